"""Personal event links (/e/{link}): the registration's id and random token, signed with the
secret key (itsdangerous), so a link can be neither guessed nor altered."""

from __future__ import annotations

import secrets

from itsdangerous import BadData, URLSafeSerializer

SALT = "kasasu-event-link"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def sign_link(secret: str, registration_id: int, token: str) -> str:
    return str(URLSafeSerializer(secret, salt=SALT).dumps([registration_id, token]))


def read_link(secret: str, link: str) -> tuple[int, str] | None:
    """(registration id, token) from a link this site signed; None for anything else."""
    try:
        value = URLSafeSerializer(secret, salt=SALT).loads(link[:300])
    except BadData:
        return None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    registration_id, token = value
    if not isinstance(registration_id, int) or not isinstance(token, str):
        return None
    return registration_id, token
