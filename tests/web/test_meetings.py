"""Meetings on the account page: scheduled through the form (its start read in the reader's
zone), listed with the replies, attendance recorded; the public page of a reply link, which
records the invitee's answer on the timeline and refuses forged and revoked links."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import MeetingStatus, Role, Rsvp
from kasasu.domain.reporting import Reporting
from kasasu.models import Activity, MeetingInvitee, OnboardingMeeting, User
from kasasu.onboarding.meeting_schemas import MeetingUpdate
from kasasu.onboarding.meetings import reschedule_meeting
from kasasu.onboarding.reminders import send_reminders
from kasasu.web.context import WebContext
from tests.onboarding.meeting_world import Customer, config, customer
from tests.web.conftest import SignIn, csrf


@pytest.fixture
def web_context(sessions: sessionmaker[Session], tmp_path: Path) -> WebContext:
    """The pages with the reminders' configuration (the reply links' secret)."""
    base = WebContext(sessions, tmp_path / "events.duckdb", Reporting(locale="en"))
    return replace(base, reminders=config(25, tmp_path))


def _customer(sessions: sessionmaker[Session]) -> Customer:
    with sessions() as s:
        who = customer(s, "楓商事", start=date(2030, 1, 1))
        s.commit()
    return who


def _schedule(web: TestClient, who: Customer, **fields: Any) -> Any:
    page = web.get(f"/accounts/{who.account_id}").text
    form = {
        "csrf_token": csrf(page),
        "kind": "training",
        "title": "管理者トレーニング",
        "starts_at": "2030-01-10T14:00",
        "duration_minutes": "90",
        "place": "本社 3F",
        "contact_ids": [str(who.champion), str(who.user)],
        "locale": "ja",
        **fields,
    }
    return web.post(f"/accounts/{who.account_id}/meetings", data=form)


def test_the_form_schedules_a_meeting_in_the_readers_zone(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    me = sign_in(Role.CSM)
    who = _customer(sessions)
    made = _schedule(web, who)
    assert made.status_code == 303
    assert made.headers["location"] == f"/accounts/{who.account_id}#meetings"
    with sessions() as s:
        meeting = s.scalars(select(OnboardingMeeting)).one()
        assert meeting.starts_at == datetime(2030, 1, 10, 5, 0, tzinfo=UTC)  # 14:00 in Tokyo
        assert (meeting.title, meeting.duration_minutes, meeting.place) == (
            "管理者トレーニング", 90, "本社 3F",
        )  # fmt: skip
        assert (meeting.locale, meeting.created_by, meeting.sequence) == ("ja", me, 0)
        invited = s.scalars(select(MeetingInvitee.contact_id).order_by(MeetingInvitee.id))
        assert sorted(invited) == sorted([who.champion, who.user])
        # A reader in New York types New York time.
        s.execute(update(User).where(User.id == me).values(timezone="America/New_York"))
        s.commit()
    _schedule(web, who, kind="review", title="", starts_at="2030-01-20T09:30")
    with sessions() as s:
        review = s.scalars(
            select(OnboardingMeeting).where(OnboardingMeeting.kind == "review")
        ).one()
        assert review.starts_at == datetime(2030, 1, 20, 14, 30, tzinfo=UTC)
        assert review.title == "レビュー"  # the kind's name, in the meeting's language
    card = web.get(f"/accounts/{who.account_id}?lang=en").text
    card = card[card.index('id="meetings"') :]
    assert "Training: 管理者トレーニング" in card
    assert "田中一郎" in card
    assert "No reply yet" in card
    assert "Schedule the meeting" in card


def test_mistakes_show_next_to_their_fields(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    who = _customer(sessions)
    again = _schedule(web, who, starts_at="", contact_ids=[])
    assert again.status_code == 422
    assert 'id="meeting-starts_at-error"' in again.text
    assert 'id="meeting-contact_ids-error"' in again.text
    assert 'value="管理者トレーニング"' in again.text  # as typed
    stranger = _schedule(web, who, contact_ids=["999999"])
    assert stranger.status_code == 422
    assert "Not a contact of this account" in stranger.text
    with sessions() as s:
        assert s.scalars(select(OnboardingMeeting)).all() == []


def test_a_viewer_cannot_schedule(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    who = _customer(sessions)
    assert "Schedule the meeting" not in web.get(f"/accounts/{who.account_id}").text
    assert _schedule(web, who).status_code == 403


def test_a_reply_link_records_the_answer_on_the_timeline(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    sign_in(Role.CSM)
    who = _customer(sessions)
    _schedule(web, who)
    sent: list[dict[str, Any]] = []
    now = datetime(2029, 12, 20, tzinfo=UTC)
    with sessions() as s:
        send_reminders(s, now, config(25, tmp_path), send=lambda p, _k, _m: sent.append(p) or {})
        s.commit()
    sam = next(p for p in sent if p["to"] == ["sam@kaede.jp"])
    yes = re.search(r"https://cs\.example\.jp(/m/\S+\?answer=yes)", sam["body"])
    assert yes is not None
    anyone = TestClient(web.app)  # the customer is not signed in
    page = anyone.get(yes[1])
    assert page.status_code == 200
    assert "管理者トレーニング" in page.text
    assert "出席します" in page.text  # in the meeting's language
    with sessions() as s:  # opening the link answers nothing (a mail scanner may open it)
        assert s.scalars(select(MeetingInvitee.rsvp)).all() == [Rsvp.PENDING] * 2
    path = yes[1].split("?")[0]
    answered = anyone.post(path, data={"csrf_token": csrf(page.text), "answer": "yes"})
    assert answered.status_code == 200
    assert "ありがとうございます" in answered.text
    with sessions() as s:
        rsvp = s.scalars(
            select(MeetingInvitee.rsvp).where(MeetingInvitee.contact_id == who.user)
        ).one()
        assert rsvp is Rsvp.ACCEPTED
        logged = s.scalars(select(Activity).where(Activity.account_id == who.account_id)).one()
        assert logged.contact_id == who.user
        assert logged.subject == "Sam Smith will attend: 管理者トレーニング"  # the team's: en
    card = web.get(f"/accounts/{who.account_id}?lang=en").text
    assert "Sam Smith will attend: 管理者トレーニング" in card  # on the timeline
    assert "Will attend" in card[card.index('id="meetings"') :]

    # A forged link is refused; so is the link of a contact taken off the meeting.
    assert anyone.get(path[:-4] + "AAAA").status_code == 404
    with sessions() as s:
        meeting_id = s.scalars(select(OnboardingMeeting.id)).one()
        reschedule_meeting(s, meeting_id, MeetingUpdate(contact_ids=[who.champion]), now=now)
        s.commit()
    revoked = anyone.get(path)
    assert revoked.status_code == 404
    assert "このリンクは無効です" in revoked.text or "This link is not valid" in revoked.text
    assert (
        anyone.post(path, data={"csrf_token": csrf(page.text), "answer": "no"}).status_code == 404
    )


def test_attendance_from_the_account_page(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    who = _customer(sessions)
    _schedule(web, who, starts_at="2020-01-10T14:00")  # already past
    page = web.get(f"/accounts/{who.account_id}?lang=en").text
    action = re.search(r'action="(/onboarding/meetings/\d+/attendance)"', page)
    assert action is not None
    done = web.post(
        action[1], data={"csrf_token": csrf(page), "attended": [str(who.champion)], "note": ""}
    )
    assert done.status_code == 303
    with sessions() as s:
        meeting = s.scalars(select(OnboardingMeeting)).one()
        assert meeting.status is MeetingStatus.HELD
        came = dict(s.execute(select(MeetingInvitee.contact_id, MeetingInvitee.attended)).all())
        assert came == {who.champion: True, who.user: False}
    card = web.get(f"/accounts/{who.account_id}?lang=en").text
    assert "Attended: 田中一郎" in card  # the timeline's entry
    assert "did not attend" in card[card.index('id="meetings"') :]
