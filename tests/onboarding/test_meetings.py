"""Meetings on the onboarding plan and the customer's reminders, through a real local SMTP
server: each meeting's invitation with its .ics (DTSTART in UTC, a stable UID, SEQUENCE up
at each change, CANCEL when called off), the reminder a day before, the steps due soon and
overdue, each email once; the reply links; attendance on the timeline; the agenda."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.domain.choices import MeetingKind, MeetingStatus, Rsvp
from kasasu.errors import Conflict, InvalidInput, NotFound
from kasasu.jobs.reminders import LOCK, remind_customers
from kasasu.locks.service import acquire_locks
from kasasu.models import Account, Activity, MeetingInvitee, OnboardingReminder
from kasasu.onboarding.meeting_schemas import AttendanceIn, MeetingCreate, MeetingUpdate
from kasasu.onboarding.meetings import (
    cancel_meeting,
    contacts_named,
    open_reply,
    record_attendance,
    reply_to_meeting,
    reschedule_meeting,
    schedule_meeting,
)
from kasasu.onboarding.reminders import due_reminders, send_reminders
from kasasu.onboarding.service import customer_agenda
from tests.onboarding.meeting_world import (
    SECRET,
    Customer,
    calendar_of,
    config,
    customer,
    reply_links,
    text_of,
)
from tests.playbooks.conftest import Mailbox, postgres_url, smtp

__all__ = ["postgres_url", "smtp"]

KICKOFF = datetime(2026, 12, 10, 5, 0, tzinfo=UTC)  # 14:00 in Tokyo
NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # noon in Tokyo, six days before
QUIET = date(2026, 12, 1)  # a plan from this day has no step due before 12-22


def _kickoff(session: Session, who: Customer, locale: str | None = None) -> int:
    data = MeetingCreate(
        kind=MeetingKind.KICKOFF,
        starts_at=KICKOFF,
        duration_minutes=90,
        place="https://meet.example.jp/kaede",
        contact_ids=[who.champion, who.user, who.no_email],
        locale=locale,
    )
    return schedule_meeting(session, who.account_id, data, by=None, locale="ja").id


def test_invitation_reminder_update_and_cancellation_each_go_once(
    session: Session, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    who = customer(session, start=QUIET)
    settings = config(port, tmp_path)
    meeting_id = _kickoff(session, who)

    # Six days before: the invitation, to the two invitees with an email, in Japanese.
    assert send_reminders(session, NOW, settings).sent == 2
    assert sorted(m["To"] for m in mailbox.messages) == ["sam@kaede.jp", "tanaka@kaede.jp"]
    tanaka = next(m for m in mailbox.messages if m["To"] == "tanaka@kaede.jp")
    assert tanaka["Subject"] == "ご招待: 2026年12月10日木曜日 14:00 (JST) の キックオフ"
    assert tanaka["Content-Language"] == "ja"
    body = text_of(tanaka)
    assert body.startswith("田中一郎 様\n\n下記のミーティングにご招待いたします。")
    assert "日時: 2026年12月10日木曜日 14:00 (JST)（90分）" in body
    raw, calendar = calendar_of(tanaka)
    assert "METHOD:REQUEST" in raw
    assert "DTSTART:20261210T050000Z" in raw  # 14:00 in Tokyo is 05:00 UTC
    assert "DTEND:20261210T063000Z" in raw
    event = calendar.walk("VEVENT")[0]
    assert event.decoded("dtstart") == KICKOFF
    assert int(event["sequence"]) == 0
    uid = str(event["uid"])
    assert uid.endswith("@kasasu")
    assert len(uid) == 32 + len("@kasasu")
    assert str(event["location"]) == "https://meet.example.jp/kaede"
    attendees = sorted(str(a) for a in event["attendee"])
    assert attendees == ["mailto:sam@kaede.jp", "mailto:tanaka@kaede.jp"]

    # A second run, or a run an hour later, sends nothing.
    assert send_reminders(session, NOW, settings).sent == 0
    assert send_reminders(session, NOW + timedelta(hours=1), settings).sent == 0
    assert len(mailbox.messages) == 2

    # 23 hours before: the reminder, once.
    day_before = KICKOFF - timedelta(hours=23)
    assert send_reminders(session, day_before, settings).sent == 2
    assert send_reminders(session, day_before, settings).sent == 0
    reminder = mailbox.messages[-1]
    assert reminder["Subject"].startswith("リマインド: 2026年12月10日")
    assert int(calendar_of(reminder)[1].walk("VEVENT")[0]["sequence"]) == 0

    # Moved to the next day: an updated invitation with the same UID and a higher SEQUENCE.
    moved = reschedule_meeting(
        session, meeting_id, MeetingUpdate(starts_at=KICKOFF + timedelta(days=1)), now=day_before
    )
    assert moved.sequence == 1
    assert send_reminders(session, day_before, settings).sent == 2  # not yet reminded again
    update = mailbox.messages[-1]
    assert update["Subject"] == "変更: 2026年12月11日金曜日 14:00 (JST) の キックオフ"
    raw, calendar = calendar_of(update)
    event = calendar.walk("VEVENT")[0]
    assert "DTSTART:20261211T050000Z" in raw
    assert (str(event["uid"]), int(event["sequence"])) == (uid, 1)
    # The new time is reminded a day before it.
    assert send_reminders(session, KICKOFF + timedelta(hours=1), settings).sent == 2
    assert mailbox.messages[-1]["Subject"].startswith("リマインド: 2026年12月11日")

    # Called off: the cancellation (METHOD:CANCEL, SEQUENCE 2), once.
    cancel_meeting(session, meeting_id)
    assert send_reminders(session, KICKOFF + timedelta(hours=2), settings).sent == 2
    assert send_reminders(session, KICKOFF + timedelta(hours=2), settings).sent == 0
    raw, calendar = calendar_of(mailbox.messages[-1])
    assert "METHOD:CANCEL" in raw
    assert "STATUS:CANCELLED" in raw
    assert int(calendar.walk("VEVENT")[0]["sequence"]) == 2
    assert mailbox.messages[-1]["Subject"].startswith("中止: ")
    assert len(mailbox.messages) == 10


def test_the_mail_is_in_the_language_chosen_and_replies_are_logged(
    session: Session, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    who = customer(session, "Maple Inc.", locale="en", start=QUIET)  # English, its plan's
    meeting_id = _kickoff(session, who)
    send_reminders(session, NOW, config(port, tmp_path))
    sam = next(m for m in mailbox.messages if m["To"] == "sam@kaede.jp")
    assert sam["Subject"] == "Invitation: Kick-off on Thursday, December 10, 2026 14:00 (JST)"
    assert text_of(sam).startswith("Dear Sam Smith,\n\nYou are invited to the following meeting.")
    yes, no = reply_links(sam)
    assert yes.split("?")[0] == no.split("?")[0]
    link = yes.split("?")[0].removeprefix("/m/")

    shown = open_reply(session, SECRET, link, NOW)
    assert shown is not None
    assert (shown.state, shown.contact, shown.locale) == ("open", "Sam Smith", "en")
    assert shown.rsvp is Rsvp.PENDING
    replied = reply_to_meeting(session, SECRET, link, Rsvp.DECLINED, now=NOW, locale="ja")
    assert replied is not None
    assert replied.rsvp is Rsvp.DECLINED
    reply_to_meeting(session, SECRET, link, Rsvp.DECLINED, now=NOW, locale="ja")  # again: once
    logged = session.scalars(select(Activity).where(Activity.account_id == who.account_id)).all()
    assert [(a.subject, a.contact_id) for a in logged] == [
        ("Sam Smith 様は欠席: Kick-off", who.user)
    ]
    # A forged link and one signed with another secret answer nothing.
    assert open_reply(session, SECRET, link[:-3] + "abc", NOW) is None
    assert open_reply(session, "another-secret", link, NOW) is None
    # Taken off the meeting: the link is revoked (and the cancellation goes to them).
    reschedule_meeting(session, meeting_id, MeetingUpdate(contact_ids=[who.champion]), now=NOW)
    assert open_reply(session, SECRET, link, NOW) is None
    before = len(mailbox.messages)
    send_reminders(session, NOW, config(port, tmp_path))
    sent = {m["To"]: m["Subject"] for m in mailbox.messages[before:]}
    assert sent == {
        "sam@kaede.jp": "Cancelled: Kick-off on Thursday, December 10, 2026 14:00 (JST)",
        "tanaka@kaede.jp": "Updated: Kick-off on Thursday, December 10, 2026 14:00 (JST)",
    }
    # Once the meeting has started, the link says so and records nothing.
    tanaka = session.scalars(
        select(MeetingInvitee).where(MeetingInvitee.contact_id == who.champion)
    ).one()
    from kasasu.onboarding.links import sign_reply

    assert tanaka.token is not None
    late = sign_reply(SECRET, tanaka.id, tanaka.token)
    after = reply_to_meeting(session, SECRET, late, Rsvp.ACCEPTED, now=KICKOFF, locale="ja")
    assert after is not None
    assert (after.state, after.rsvp) == ("past", Rsvp.PENDING)


def test_steps_due_soon_and_overdue_are_reminded_once_to_key_contacts(
    session: Session, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    """The standard plan from 2026-11-01: set-up (customer) due 11-22, data (customer) due
    12-06, first value (customer) due 12-16; kick-off and review are the CS team's."""
    mailbox, port = smtp
    customer(session, "Maple Inc.", locale="en")
    settings = config(port, tmp_path)
    # 12-04 in Tokyo: set-up is overdue, data due within two days; only the champion hears.
    assert send_reminders(session, NOW, settings).sent == 1
    first = mailbox.messages[0]
    assert first["To"] == "tanaka@kaede.jp"
    assert first["Subject"] == "Onboarding: steps past their due date"
    assert first.get_content_type() == "text/plain"  # no calendar for steps
    assert "- Initial set-up (was due November 22, 2026)\n" in text_of(first)
    assert "- Connect their data (due December 6, 2026)\n" in text_of(first)
    assert "First value" not in text_of(first)
    assert send_reminders(session, NOW, settings).sent == 0
    # 12-07: data is now overdue (once more, as overdue); set-up is not sent again.
    later = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert send_reminders(session, later, settings).sent == 1
    assert "- Connect their data (was due December 6, 2026)\n" in text_of(mailbox.messages[1])
    assert "Initial set-up" not in text_of(mailbox.messages[1])
    assert send_reminders(session, later, settings).sent == 0
    # 12-14: first value is due within two days.
    assert send_reminders(session, datetime(2026, 12, 14, 1, 0, tzinfo=UTC), settings).sent == 1
    assert mailbox.messages[2]["Subject"] == "Onboarding: steps due soon"
    kinds = session.scalars(select(OnboardingReminder.kind).order_by(OnboardingReminder.id))
    assert list(kinds) == ["overdue", "due_soon", "overdue", "due_soon"]


def test_a_refused_email_is_tried_again_next_run(
    session: Session, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    who = customer(session, start=QUIET)
    _kickoff(session, who)
    mailbox.hold_at = 0  # the first message is refused (451)
    mailbox.released.set()
    first = send_reminders(session, NOW, config(port, tmp_path))
    assert (first.sent, first.failed) == (1, 1)
    second = send_reminders(session, NOW, config(port, tmp_path))
    assert (second.sent, second.failed) == (1, 0)
    assert len(mailbox.messages) == 2


def test_attendance_is_recorded_and_logged(session: Session, tmp_path: Path) -> None:
    who = customer(session)
    meeting_id = _kickoff(session, who)
    with pytest.raises(Conflict):  # not started yet
        record_attendance(session, meeting_id, AttendanceIn(attended=[]), by=None,
                          locale="ja", now=NOW)  # fmt: skip
    with pytest.raises(InvalidInput):  # not invited
        record_attendance(session, meeting_id, AttendanceIn(attended=[999_999]), by=None,
                          locale="ja", now=KICKOFF)  # fmt: skip
    held = record_attendance(
        session,
        meeting_id,
        AttendanceIn(attended=[who.champion, who.no_email], note="次回は設定の確認"),
        by=None,
        locale="ja",
        now=KICKOFF + timedelta(hours=2),
    )
    assert held.status is MeetingStatus.HELD
    assert {i.name: i.attended for i in held.invitees} == {
        "田中一郎": True, "Sam Smith": False, "佐藤": True,
    }  # fmt: skip
    # Corrected: Sam came after all; the timeline keeps one entry, rewritten.
    record_attendance(session, meeting_id, AttendanceIn(attended=[who.champion, who.user]),
                      by=None, locale="ja", now=KICKOFF + timedelta(hours=3))  # fmt: skip
    logged = session.scalars(select(Activity).where(Activity.account_id == who.account_id)).all()
    assert len(logged) == 1
    assert logged[0].subject == "キックオフを実施: キックオフ"
    assert logged[0].body == "出席: Sam Smith, 田中一郎\n欠席: 佐藤"
    assert logged[0].occurred_at == KICKOFF
    with pytest.raises(Conflict):
        cancel_meeting(session, meeting_id)
    # A held meeting is not invited or reminded any more (only the steps are owed).
    assert {r.subject for r in due_reminders(session, NOW, config(25, tmp_path))} == {"step"}


def test_a_meeting_needs_a_plan_and_the_accounts_own_contacts(session: Session) -> None:
    who = customer(session)
    other = customer(session, "別会社")
    data = MeetingCreate(kind=MeetingKind.TRAINING, starts_at=KICKOFF, contact_ids=[other.user])
    with pytest.raises(InvalidInput) as refused:
        schedule_meeting(session, who.account_id, data, by=None, locale="ja")
    assert [e.loc for e in refused.value.errors] == [("contact_ids", 0)]
    lone = Account(external_id="no-plan", name="プランなし", custom_fields={})
    session.add(lone)
    session.flush()
    with pytest.raises(NotFound):
        schedule_meeting(session, lone.id, data, by=None, locale="ja")
    assert contacts_named(session, who.account_id, []) == [who.champion]
    assert contacts_named(session, who.account_id, ["SAM@kaede.jp"]) == [who.user]
    with pytest.raises(InvalidInput):
        contacts_named(session, who.account_id, ["nobody@x.jp"])
    # The title defaults to the kind's name in the meeting's language.
    made = schedule_meeting(
        session, who.account_id, data.model_copy(update={"contact_ids": [who.user],
                                                          "locale": "en"}),
        by=None, locale="ja",
    )  # fmt: skip
    assert (made.title, made.locale) == ("Training", "en")


def test_the_customer_agenda(session: Session) -> None:
    who = customer(session, "Maple Inc.", locale="en")
    _kickoff(session, who)
    agenda = customer_agenda(session, who.account_id, NOW)  # 12-04 in Tokyo
    assert agenda.today == date(2026, 12, 4)
    assert agenda.locale == "en"
    assert [(s.title, s.due_date, s.state) for s in agenda.steps] == [
        ("Initial set-up", date(2026, 11, 22), "overdue"),
        ("Connect their data", date(2026, 12, 6), "due"),
        ("First value", date(2026, 12, 16), "upcoming"),
    ]
    assert [(m.kind, m.starts_at) for m in agenda.meetings] == [(MeetingKind.KICKOFF, KICKOFF)]
    # Once it is over, the meeting leaves the agenda.
    assert customer_agenda(session, who.account_id, KICKOFF + timedelta(hours=2)).meetings == []
    assert customer_agenda(session, 10**9, NOW).steps == []


def test_two_workers_at_once_send_each_email_once(
    postgres_url: str, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    """Both find the same two invitations owed; the second one's record waits for the
    first's commit and then fails, so it skips what the first sent."""
    mailbox, port = smtp
    mailbox.delay = 0.3  # each email takes a while, so the two overlap
    engine = create_db_engine(postgres_url)
    factory = session_factory(engine)
    with transaction(factory, write=True) as s:
        _kickoff(s, customer(s, start=QUIET))
    settings = config(port, tmp_path)
    outcomes = []

    def worker() -> None:
        with transaction(factory, write=True) as s:
            outcomes.append(send_reminders(s, NOW, settings, checkpoint=s.commit))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(mailbox.messages) == 2
    assert sum(o.sent for o in outcomes) == 2
    assert sum(o.skipped for o in outcomes) >= 1  # the second worker met the first's records
    # And the job's own lock: a run while another holds it does nothing.
    with transaction(factory, write=True) as s:
        acquire_locks(s, [LOCK], "another-server", timedelta(minutes=5))
    assert remind_customers(engine, settings, NOW) is None
    engine.dispose()
