"""Meetings on the demo company's recent onboarding plans: a kick-off five days after the
start, a training three weeks in and a review at two months; those before the data's end
were held (attendance recorded and written on the timeline), the others are still to come,
some of their invitees having replied."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import numpy as np

from kasasu.demo.shapes import DemoAccount, Row
from kasasu.demo.timeline import Calendar
from kasasu.domain.choices import ActivityKind, ContactRole, MeetingKind, MeetingStatus, Rsvp
from kasasu.kit.choices import label

RECENT_DAYS = 120  # plans started this many days before the data's end have meetings
MOST_PLANS = 60  # at most this many plans (the most recent) get them
# (kind, title, days after the plan's start, local hour, minutes)
MEETINGS = (
    (MeetingKind.KICKOFF, "キックオフ", 5, 10.0, 60),
    (MeetingKind.TRAINING, "管理者トレーニング", 21, 14.0, 90),
    (MeetingKind.REVIEW, "導入レビュー", 60, 15.0, 60),
)
KEY_ROLES = (ContactRole.CHAMPION, ContactRole.DECISION_MAKER)


def make_meetings(
    seed: int,
    cal: Calendar,
    accounts: list[DemoAccount],
    plans: list[Row],
    first_ids: tuple[int, int, int],
) -> tuple[list[Row], list[Row], list[Row]]:
    """Meeting rows, invitee rows and the timeline entries of the held meetings; ids from
    ``first_ids`` (meetings, invitees, activities)."""
    rng = np.random.default_rng([seed, 17])
    by_id = {a.id: a for a in accounts}
    since = cal.as_of - timedelta(days=RECENT_DAYS)
    recent = [p for p in plans if p["started_on"] >= since and _live(by_id[p["account_id"]], cal)]
    recent = sorted(recent, key=lambda p: (p["started_on"], p["id"]))[-MOST_PLANS:]
    meetings: list[Row] = []
    invitees: list[Row] = []
    logged: list[Row] = []
    end = cal.instant(cal.as_of, 0.0)
    for plan in recent:
        account = by_id[plan["account_id"]]
        people = _invited(account)
        for kind, title, days, hour, minutes in MEETINGS:
            meeting_id = first_ids[0] + len(meetings)
            starts = cal.instant(plan["started_on"] + timedelta(days=days), hour)
            held = starts < end
            meetings.append(
                {
                    "id": meeting_id,
                    "onboarding_id": plan["id"],
                    "account_id": account.id,
                    "kind": kind,
                    "title": title,
                    "starts_at": starts,
                    "duration_minutes": minutes,
                    "place": f"https://meet.example.jp/{account.domain.split('.')[0]}-{kind}",
                    "status": MeetingStatus.HELD if held else MeetingStatus.SCHEDULED,
                    "uid": f"{_digest(seed, 'uid', meeting_id)}@kasasu",
                    "sequence": 0,
                    "locale": "ja",
                    "created_at": plan["created_at"],
                    "updated_at": min(starts, end) if held else plan["created_at"],
                }
            )
            came = []
            for contact in people:
                invitee_id = first_ids[1] + len(invitees)
                key = contact["role"] in KEY_ROLES
                attended = bool(rng.random() < (0.9 if key else 0.6)) if held else None
                replied = held or rng.random() < 0.5
                rsvp = Rsvp.PENDING
                if replied:
                    rsvp = Rsvp.ACCEPTED if (attended or rng.random() < 0.8) else Rsvp.DECLINED
                invitees.append(
                    {
                        "id": invitee_id,
                        "meeting_id": meeting_id,
                        "contact_id": contact["id"],
                        "rsvp": rsvp,
                        "rsvp_at": (starts - timedelta(days=2)) if replied else None,
                        "attended": attended,
                        "token": _digest(seed, "token", invitee_id),
                        "created_at": plan["created_at"],
                        "updated_at": plan["created_at"],
                    }
                )
                came.append((contact["name"], attended))
            if held:
                logged.append(_held(first_ids[2] + len(logged), meetings[-1], account, came))
    return meetings, invitees, logged


def _live(account: DemoAccount, cal: Calendar) -> bool:
    return bool(account.periods) and account.periods[-1].stop(cal.as_of) >= cal.as_of


def _invited(account: DemoAccount) -> list[Row]:
    """The champion and the decision maker, and the first user when there is one."""
    key = [c for c in account.contacts if c["role"] in KEY_ROLES]
    users = [c for c in account.contacts if c["role"] is ContactRole.USER][:1]
    return key + users


def _held(
    activity_id: int, meeting: Row, account: DemoAccount, came: list[tuple[str, bool | None]]
) -> Row:
    """The timeline's entry of a held meeting, as recording its attendance writes it."""
    present = ", ".join(name for name, yes in came if yes) or "—"
    absent = ", ".join(name for name, yes in came if not yes) or "—"
    return {
        "id": activity_id,
        "external_id": f"onboarding-meeting-{meeting['id']}-held",
        "account_id": account.id,
        "contact_id": None,
        "user_id": account.owner_id,
        "kind": ActivityKind.MEETING,
        "subject": f"{label(meeting['kind']).render('ja')}を実施: {meeting['title']}",
        "body": f"出席: {present}\n欠席: {absent}",
        "occurred_at": meeting["starts_at"],
        "created_at": meeting["updated_at"],
        "updated_at": meeting["updated_at"],
    }


def _digest(seed: int, what: str, row_id: int) -> str:
    """A fixed value per seed and row (the demo is reproducible); reply links stay
    unforgeable, being signed with the installation's secret key."""
    return hashlib.sha256(f"kasasu-demo:{seed}:{what}:{row_id}".encode()).hexdigest()[:32]
