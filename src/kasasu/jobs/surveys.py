"""The survey campaigns scheduled for a day, sent by that day's refresh (after its
playbooks): each campaign in its own transaction, each email committed as it goes, so a
stopped run sends the rest next time and never one twice."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction, write_checkpoint
from kasasu.surveys.campaign_schemas import SendOutcome
from kasasu.surveys.campaigns import due_campaigns, send_campaign
from kasasu.surveys.config import SurveyConfig


def send_scheduled(
    engine: Engine, today: date, config: SurveyConfig, now: datetime | None = None
) -> list[SendOutcome]:
    factory = session_factory(engine)
    with transaction(factory) as session:
        names = due_campaigns(session, today)
    sent = []
    for name in names:
        with transaction(factory, write=True) as session:
            moment = now or datetime.now(UTC)
            sent.append(
                send_campaign(
                    session, name, config, moment, checkpoint=lambda: write_checkpoint(session)
                )
            )
    return sent
