"""Personal survey links: the invitation's id and random token, signed with the secret key
(itsdangerous), so a link can be neither guessed nor altered, and it expires.

The widget's contacts are signed by the customer's backend instead (security review F8):
each campaign has its own key, derived from the secret, and a contact is signed as
``hex(HMAC-SHA256(key, contact))`` (docs/surveys-widget.md), so a script cannot answer for
someone else and one campaign's key tells nothing of another's or of the secret."""

from __future__ import annotations

import hashlib
import hmac
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


WIDGET_KEY_PREFIX = "kasasu-widget:"


def widget_key(secret: str, public_id: str) -> str:
    """The campaign's widget signing key: hex(HMAC-SHA256(secret, "kasasu-widget:" + id))."""
    message = (WIDGET_KEY_PREFIX + public_id).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def widget_signature(key: str, contact: str) -> str:
    """What the customer's backend puts in ``data-signature`` for ``contact``."""
    return hmac.new(key.encode(), contact.encode(), hashlib.sha256).hexdigest()


def widget_signed(secret: str, public_id: str, contact: str, signature: str) -> bool:
    """Whether ``signature`` signs ``contact`` for this campaign (compared in constant time).
    Text that is no UTF-8 (a lone surrogate from JSON) signs nothing."""
    try:
        expected = widget_signature(widget_key(secret, public_id), contact).encode()
        given = signature.strip().lower().encode()
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, given)
