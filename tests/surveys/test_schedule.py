"""A draft campaign scheduled for a day is sent by that day's refresh, not before, once; a
day in the past or a campaign already sent cannot be scheduled (world: conftest.py, whose
segment "all" asks hanako, jane and taro)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kasasu.db import session_factory, transaction
from kasasu.errors import Conflict, InvalidInput
from kasasu.jobs.surveys import send_scheduled
from kasasu.surveys.campaign_schemas import CampaignCreate
from kasasu.surveys.campaigns import create_campaign, schedule_campaign, send_campaign
from tests.playbooks.conftest import sqlite_engine
from tests.surveys.conftest import DAY, NOW, Mailbox, build_world, config_for, file_config

__all__ = ["sqlite_engine"]


def test_the_refresh_of_the_day_sends_it_once(
    sqlite_engine: Engine, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    config = config_for(port, tmp_path)
    factory = session_factory(sqlite_engine)
    with transaction(factory) as s:
        build_world(s)
        create_campaign(s, CampaignCreate(name="q4", segment="all"), config)
        schedule_campaign(s, "q4", DAY + timedelta(days=2), today=DAY)
    assert send_scheduled(sqlite_engine, DAY + timedelta(days=1), config, NOW) == []
    assert mailbox.messages == []
    [sent] = send_scheduled(sqlite_engine, DAY + timedelta(days=2), config, NOW)
    assert (sent.campaign, sent.sent) == ("q4", 3)
    assert sorted(str(m["To"]) for m in mailbox.messages) == [
        "hanako@mitsuba.jp",
        "jane@acme.com",
        "taro@yamada.jp",
    ]
    # A later day's refresh (say the server was down that day) finds nothing left to send.
    assert send_scheduled(sqlite_engine, DAY + timedelta(days=3), config, NOW) == []
    assert len(mailbox.messages) == 3


def test_only_a_draft_and_only_from_today(session: Session, tmp_path: Path) -> None:
    config = file_config(tmp_path)
    build_world(session)
    create_campaign(session, CampaignCreate(name="q4", segment="all"), config)
    with pytest.raises(InvalidInput, match="today or a later day"):
        schedule_campaign(session, "q4", DAY - timedelta(days=1), today=DAY)
    assert schedule_campaign(session, "q4", DAY, today=DAY).scheduled_for == DAY
    assert schedule_campaign(session, "q4", None, today=DAY).scheduled_for is None
    send_campaign(session, "q4", config, NOW)
    with pytest.raises(Conflict):
        schedule_campaign(session, "q4", DAY + timedelta(days=1), today=DAY)
