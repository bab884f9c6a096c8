"""Whether the operational database answers, for the readiness probe (``GET /readyz``)."""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("kasasu.readiness")


def database_answers(sessions: sessionmaker[Session]) -> bool:
    """``SELECT 1`` on a connection of the pool (PostgreSQL's pre-ping replaces a dead one)."""
    try:
        with sessions() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        # The class only: the driver's text can name the host, and the probe runs often.
        log.warning("readiness: the database does not answer (%s)", type(error).__name__)
        return False
    return True
