"""Reaching an account's people from its page (world of tests/surveys/conftest.py): the
contacts panel with role and last touch, an email sent to the local SMTP server and logged
on the timeline, an invitation to the next NPS (once, never to someone who left), a contact
who left, and the "churn scheduled" badge."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import ActivityKind, BillingInterval, Role, SubscriptionStatus
from kasasu.domain.dates import today_in
from kasasu.models import Activity, Contact, Subscription, SurveyInvitation
from kasasu.surveys.config import SurveyConfig
from tests.surveys.conftest import Mailbox, World, config_for, smtp
from tests.web.conftest import SignIn, csrf
from tests.web.test_surveys import web_context, world

__all__ = ["smtp", "web_context", "world"]


@pytest.fixture
def config(smtp: tuple[Mailbox, int], tmp_path: Path) -> SurveyConfig:
    return config_for(smtp[1], tmp_path)


def test_email_a_contact_and_see_it_on_the_timeline(
    web: TestClient,
    world: World,
    sign_in: SignIn,
    smtp: tuple[Mailbox, int],
    sessions: sessionmaker[Session],
) -> None:
    mailbox = smtp[0]
    me = sign_in(Role.CSM)
    account = world.accounts["三葉商事"]
    hanako = world.contacts["hanako@mitsuba.jp"]
    page = web.get(f"/accounts/{account}?mine=0&lang=ja").text
    assert "先方担当者と関係者" in page
    assert "★ チャンピオン" in page
    sent = web.post(
        f"/accounts/{account}/emails",
        data={
            "csrf_token": csrf(page),
            "contact_id": str(hanako),
            "subject": "定例のご案内",
            "body": "来週の定例をお願いします。",
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert [(str(m["To"]), str(m["Subject"])) for m in mailbox.messages] == [
        ("hanako@mitsuba.jp", "定例のご案内")
    ]
    assert "来週の定例をお願いします。" in mailbox.messages[0].get_content()
    with sessions() as s:
        logged = s.scalars(select(Activity).where(Activity.account_id == account)).one()
    assert (logged.kind, logged.contact_id, logged.user_id, logged.subject) == (
        ActivityKind.EMAIL,
        hanako,
        me,
        "定例のご案内",
    )
    shown = web.get(f"/accounts/{account}?lang=ja").text
    assert "メール: 定例のご案内" in shown  # on the timeline
    today = today_in("Asia/Tokyo")
    assert f"<td>{today.year}年{today.month}月{today.day}日</td>" in shown  # her last touch

    # someone else's contact: refused at the field, nothing sent
    jane = world.contacts["jane@acme.com"]
    refused = web.post(
        f"/accounts/{account}/emails",
        data={"csrf_token": csrf(page), "contact_id": str(jane), "subject": "x", "body": "y"},
    )
    assert refused.status_code == 422
    assert 'aria-describedby="email-contact_id-error"' in refused.text
    assert len(mailbox.messages) == 1


def test_invite_to_the_next_nps_once_and_skip_who_left(
    web: TestClient, world: World, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    account = world.accounts["三葉商事"]
    hanako, ichiro = world.contacts["hanako@mitsuba.jp"], world.contacts["ichiro@mitsuba.jp"]
    page = web.get(f"/accounts/{account}?lang=en").text
    token = csrf(page)
    left = web.post(
        f"/accounts/{account}/contacts/{ichiro}/left",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert left.status_code == 303
    for _ in range(2):
        invited = web.post(
            f"/accounts/{account}/survey-invitations",
            data={"csrf_token": token, "kind": "nps", "contact_ids": [str(hanako), str(ichiro)]},
            follow_redirects=False,
        )
        assert invited.status_code == 303
    assert (
        "invited=1"
        in web.post(
            f"/accounts/{account}/survey-invitations",
            data={"csrf_token": token, "kind": "csat", "contact_ids": [str(hanako)]},
            follow_redirects=False,
        ).headers["location"]
    )
    with sessions() as s:
        waiting = s.execute(
            select(SurveyInvitation.contact_id, SurveyInvitation.kind).where(
                SurveyInvitation.campaign_id.is_(None)
            )
        ).all()
        gone = s.get(Contact, ichiro)
    assert sorted((c, k.value) for c, k in waiting) == [(hanako, "csat"), (hanako, "nps")]
    assert gone is not None
    assert gone.left_on == today_in("Asia/Tokyo")
    shown = web.get(f"/accounts/{account}?lang=en").text
    assert "Left on " in shown


def test_churn_scheduled_badge(
    web: TestClient, world: World, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    account = world.accounts["Acme"]
    today = today_in("Asia/Tokyo")
    with sessions() as s:
        line = {
            "account_id": account,
            "product": "Core",
            "amount": 10_000,
            "currency": "JPY",
            "billing_interval": BillingInterval.MONTH,
            "start_date": date(2025, 1, 1),
        }
        s.add(
            Subscription(
                external_id="S1",
                status=SubscriptionStatus.CANCELLED,
                cancelled_on=today + timedelta(days=30),
                **line,
            )
        )
        s.add(Subscription(external_id="S2", status=SubscriptionStatus.ACTIVE, **line))
        s.commit()
    assert 'id="churn-scheduled"' not in web.get(f"/accounts/{account}").text  # one line goes on
    with sessions() as s:
        s.scalars(
            select(Subscription).where(Subscription.external_id == "S2")
        ).one().status = SubscriptionStatus.ENDED
        s.commit()
    end = today + timedelta(days=30)
    page = web.get(f"/accounts/{account}?lang=ja").text
    assert f"解約予定: {end.year}年{end.month}月{end.day}日" in page
