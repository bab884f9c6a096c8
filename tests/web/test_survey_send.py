"""Sending a survey campaign from the browser: the send page shows who gets the invitation
and the email as it will read before anything is sent; sending and reminding deliver to a
real local SMTP server, each email once; CSMs can do neither."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.domain.dates import today_in
from kasasu.models import SurveyCampaign, SurveyInvitation
from kasasu.surveys.config import SurveyConfig
from tests.surveys.conftest import Mailbox, World, config_for, smtp
from tests.web.conftest import SignIn, csrf
from tests.web.test_surveys import web_context, world

__all__ = ["smtp", "web_context", "world"]  # test_surveys.py's, with this module's config

# build_world's segment "all": 三葉商事's champion (not its plain user), Acme's decision
# maker, and 山田工業's only contact with an email (it has no champion or decision maker).
AUDIENCE = ["hanako@mitsuba.jp", "jane@acme.com", "taro@yamada.jp"]
NPS_JA = "当社のサービスを友人や同僚に薦める可能性はどのくらいありますか？"


@pytest.fixture
def config(smtp: tuple[Mailbox, int], tmp_path: Path) -> SurveyConfig:
    return config_for(smtp[1], tmp_path)


def _recipients(mailbox: Mailbox) -> list[str]:
    return sorted(str(m["To"]) for m in mailbox.messages)


def test_a_leader_previews_sends_and_reminds(
    web: TestClient,
    world: World,
    sign_in: SignIn,
    smtp: tuple[Mailbox, int],
    sessions: sessionmaker[Session],
) -> None:
    mailbox = smtp[0]
    sign_in(Role.LEADER)
    token = csrf(web.get("/surveys").text)
    created = web.post(
        "/surveys", data={"csrf_token": token, "name": "q3", "kind": "nps", "segment": "all"}
    )
    assert created.headers["location"] == "/surveys/q3/send"

    preview = web.get("/surveys/q3/send")
    assert preview.status_code == 200
    for email in AUDIENCE:
        assert f"<li>{email}</li>" in preview.text
    assert '<dd id="invited">3</dd>' in preview.text
    assert '<dd id="throttled">0</dd>' in preview.text
    assert NPS_JA in preview.text  # 三葉商事 reads Japanese: the first recipient's email
    assert "Send 3 invitations" in preview.text
    assert mailbox.messages == []  # a preview sends nothing

    sent = web.post("/surveys/q3/send", data={"csrf_token": token})
    assert sent.headers["location"] == "/surveys/q3?sent=3&failed=0"
    assert _recipients(mailbox) == AUDIENCE
    assert "3 invitations sent." in web.get(sent.headers["location"]).text

    again = web.get("/surveys/q3/send").text
    assert "Nobody to invite now" in again
    assert "0 invitees have not answered after 7 days" in again
    assert web.post("/surveys/q3/send", data={"csrf_token": token}).status_code == 303
    assert len(mailbox.messages) == 3  # never a second invitation

    week_ago = datetime.now(UTC) - timedelta(days=8)
    with sessions() as s:
        s.execute(update(SurveyInvitation).values(sent_at=week_ago))
        s.commit()
    assert "3 invitees have not answered after 7 days" in web.get("/surveys/q3/send").text
    reminded = web.post("/surveys/q3/remind", data={"csrf_token": token})
    assert reminded.headers["location"] == "/surveys/q3?reminded=3&failed=0"
    assert len(mailbox.messages) == 6
    web.post("/surveys/q3/remind", data={"csrf_token": token})
    assert len(mailbox.messages) == 6  # one reminder each, never a second


def test_csms_cannot_preview_send_or_remind(
    web: TestClient, world: World, sign_in: SignIn, smtp: tuple[Mailbox, int]
) -> None:
    sign_in(Role.LEADER)
    token = csrf(web.get("/surveys").text)
    web.post("/surveys", data={"csrf_token": token, "name": "q3", "segment": "all"})
    sign_in(Role.CSM)
    token = csrf(web.get("/surveys").text)
    assert web.get("/surveys/q3/send").status_code == 403
    assert "/surveys/q3/send" not in web.get("/surveys/q3").text
    for path in ("/surveys/q3/send", "/surveys/q3/remind"):
        assert web.post(path, data={"csrf_token": token}).status_code == 403
    assert smtp[0].messages == []


def test_a_leader_schedules_a_campaign_and_a_past_day_is_refused_in_place(
    web: TestClient, world: World, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    token = csrf(web.get("/surveys").text)
    web.post("/surveys", data={"csrf_token": token, "name": "q3", "segment": "all"})
    today = today_in("Asia/Tokyo")  # the reporting zone of the web tests
    later = today + timedelta(days=10)
    done = web.post("/surveys/q3/schedule", data={"csrf_token": token, "day": later.isoformat()})
    assert done.headers["location"] == "/surveys/q3/send"
    with sessions() as s:
        assert s.scalars(select(SurveyCampaign.scheduled_for)).one() == later
    assert (
        f"the daily refresh of {later:%B} {later.day}, {later.year} sends it"
        in web.get("/surveys/q3/send?lang=en").text
    )
    past = (today - timedelta(days=1)).isoformat()
    refused = web.post("/surveys/q3/schedule?lang=en", data={"csrf_token": token, "day": past})
    assert refused.status_code == 422
    assert '<p class="field-error" id="schedule-day-error">Choose today or a later day' in (
        refused.text
    )
    web.post("/surveys/q3/schedule", data={"csrf_token": token, "day": ""})  # cancel it
    with sessions() as s:
        assert s.scalars(select(SurveyCampaign.scheduled_for)).one() is None
