"""The CSRF token of a browser's session (the signed ``kasasu_session`` cookie): one per
session, carried by every form and htmx request of the pages and by the portal API's
writes (the ``X-CSRF-Token`` header). Kept here so both read the same key the same way."""

from __future__ import annotations

import secrets
from collections.abc import MutableMapping
from typing import Any

from kasasu.kit.tokens import new_token

SESSION_CSRF = "csrf"


def session_token(session: MutableMapping[str, Any]) -> str:
    """The session's token, made on first use."""
    token = session.get(SESSION_CSRF)
    if not token:
        token = session[SESSION_CSRF] = new_token()
    return str(token)


def token_matches(expected: object, sent: str | None) -> bool:
    """Whether ``sent`` is the session's token (compared in constant time)."""
    return bool(expected) and bool(sent) and secrets.compare_digest(str(expected), str(sent))
