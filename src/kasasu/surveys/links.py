"""Personal survey links: the invitation's id and random token, signed with the secret key
(itsdangerous), so a link can be neither guessed nor altered, and it expires."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from kasasu.models import SurveyInvitation

SALT = "kasasu-survey-link"
LinkProblem = Literal["forged", "expired"]


def sign_link(secret: str, invitation: SurveyInvitation) -> str:
    return URLSafeTimedSerializer(secret, salt=SALT).dumps([invitation.id, invitation.token])


def read_link(secret: str, link: str, max_age_seconds: int) -> tuple[int, str] | LinkProblem:
    """(invitation id, token) from a link this site signed and that has not expired."""
    serializer = URLSafeTimedSerializer(secret, salt=SALT)
    try:
        value = serializer.loads(link, max_age=max_age_seconds)
    except SignatureExpired:
        return "expired"
    except BadData:
        return "forged"
    if not (isinstance(value, list) and len(value) == 2):
        return "forged"
    invitation_id, token = value
    if not isinstance(invitation_id, int) or not isinstance(token, str):
        return "forged"
    return invitation_id, token


def expired(invitation: SurveyInvitation, now: datetime) -> bool:
    return invitation.expires_at is not None and invitation.expires_at <= now
