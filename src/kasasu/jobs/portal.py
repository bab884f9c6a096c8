"""The customer portal's housekeeping, in the daily refresh: sign-in links and sessions
that ended are deleted (they are refused when used; this only keeps the tables small)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.portal.signin import forget_expired


def forget_ended_sign_ins(engine: Engine, now: datetime) -> int:
    """Rows deleted: sessions past their end, links a day past theirs."""
    with transaction(session_factory(engine), write=True) as session:
        return forget_expired(session, now)
