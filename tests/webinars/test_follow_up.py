"""The follow-up playbooks of an event, run for real: those who attended get the recording
and a CSAT invitation, those who did not come get the recording; once, however often the
playbooks run (the playbooks' world: P1 and P2 are paying on DAY)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from kasasu.db import session_factory, transaction
from kasasu.jobs.playbooks import run_playbooks
from kasasu.models import Contact, SurveyInvitation
from kasasu.webinars.attendance import check_in, settle_no_shows
from kasasu.webinars.schemas import Title, WebinarCreate
from kasasu.webinars.service import create_webinar, register
from tests.playbooks.conftest import Mailbox, smtp, sqlite_engine
from tests.playbooks.runner import prepare, setup
from tests.playbooks.world import DAY

__all__ = ["smtp", "sqlite_engine"]

RECORDING = "https://video.example/rec/42"
ATTENDED: dict[str, Any] = {
    "name": "event-attended",
    "title": {"ja": "イベント参加のお礼", "en": "Thanks for attending"},
    "trigger": {"type": "event_attended"},
    "cooldown_days": 0,
    "actions": [
        {
            "type": "email",
            "to": "trigger",
            "subject": {
                "ja": "ご参加ありがとうございました：{{ trigger.event.title }}",
                "en": "Thank you for attending {{ trigger.event.title }}",
            },
            "body": {
                "ja": "録画：{{ trigger.event.recording_url }}",
                "en": "Recording: {{ trigger.event.recording_url }}",
            },
        },
        {"type": "enrol_survey", "kind": "csat", "contacts": "trigger"},
    ],
}
NO_SHOW: dict[str, Any] = {
    "name": "event-no-show",
    "title": {"ja": "イベント欠席のフォロー", "en": "Event no-show follow-up"},
    "trigger": {"type": "event_no_show"},
    "cooldown_days": 0,
    "actions": [
        {
            "type": "email",
            "to": "trigger",
            "subject": {"ja": "録画のご案内：{{ trigger.event.title }}", "en": "Recording"},
            "body": {"ja": "{{ trigger.event.recording_url }}", "en": "x"},
        }
    ],
}


def test_attended_and_no_show_follow_ups_go_once(
    sqlite_engine: Engine, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    prepare(sqlite_engine, ATTENDED, NO_SHOW)
    with transaction(session_factory(sqlite_engine), write=True) as session:
        p1, p2 = (
            session.scalars(select(Contact).where(Contact.email == e)).one()
            for e in ("p1@cust.jp", "p2@cust.com")
        )
        webinar = create_webinar(
            session,
            WebinarCreate(
                title=Title(ja="活用セミナー", en="Getting more out of it"),
                starts_at=datetime(2026, 6, 8, 5, tzinfo=UTC),
                ends_at=datetime(2026, 6, 8, 6, tzinfo=UTC),
                recording_url=RECORDING,
            ),
        )
        before = datetime(2026, 6, 1, tzinfo=UTC)
        came = register(session, p1.id, webinar.id, now=before)
        register(session, p2.id, webinar.id, now=before)
        after = datetime(2026, 6, 9, tzinfo=UTC)
        check_in(session, webinar.id, [came.id], now=after)
        assert settle_no_shows(session, after) == 1  # P2's contact
    first = run_playbooks(sqlite_engine, DAY, setup(port, tmp_path))
    assert first.fired == 2
    by_to = {m["To"]: m for m in mailbox.messages}
    assert set(by_to) == {"p1@cust.jp", "p2@cust.com"}
    assert by_to["p1@cust.jp"]["Subject"] == "ご参加ありがとうございました：活用セミナー"
    assert by_to["p1@cust.jp"].get_content().strip() == f"録画：{RECORDING}"
    assert by_to["p2@cust.com"]["Subject"] == "録画のご案内：活用セミナー"
    for _ in range(2):
        assert run_playbooks(sqlite_engine, DAY, setup(port, tmp_path)).fired == 0
    assert len(mailbox.messages) == 2
    with transaction(session_factory(sqlite_engine)) as session:
        surveyed = session.scalars(select(SurveyInvitation.contact_id)).all()
    assert surveyed == [came.contact_id]
