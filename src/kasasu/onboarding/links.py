"""The reply links of a meeting email ("I will attend" / "I cannot attend"): the invitee's id
and random token, signed with the secret key (itsdangerous), so a link can be neither
guessed nor altered; setting the invitee's token to None (the meeting is cancelled, the
contact taken off it) makes every link sent to them answer nothing."""

from __future__ import annotations

from itsdangerous import BadData, URLSafeSerializer

SALT = "kasasu-meeting-reply"


def sign_reply(secret: str, invitee_id: int, token: str) -> str:
    return str(URLSafeSerializer(secret, salt=SALT).dumps([invitee_id, token]))


def read_reply(secret: str, link: str) -> tuple[int, str] | None:
    """(invitee id, token) from a link this site signed; None for anything else."""
    try:
        value = URLSafeSerializer(secret, salt=SALT).loads(link)
    except BadData:
        return None
    if not (isinstance(value, list) and len(value) == 2):
        return None
    invitee_id, token = value
    if not isinstance(invitee_id, int) or isinstance(invitee_id, bool):
        return None
    return (invitee_id, token) if isinstance(token, str) else None
