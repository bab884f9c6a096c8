"""The demo company's events: a webinar, seminar, user meeting or training every quarter of
the data, each with its registrations, who attended (from the meeting tool, minutes
included), the no-shows and a recording; and one webinar two weeks after the data's end,
its invitations out and some contacts registered. Keen accounts come more often.

Registrations are rows only: the attendance the timeline and the health measures read is
already among the demo's activities (``webinar`` kind), so none is added here.
"""

from __future__ import annotations

import base64
from datetime import date, timedelta

import numpy as np

from kasasu.demo.shapes import DemoAccount, Row
from kasasu.demo.timeline import Calendar
from kasasu.domain.choices import EventKind
from kasasu.domain.choices import RegistrationStatus as S

EVERY_DAYS = 91  # an event a quarter
SHARE = 0.08  # of the customers on the day, the accounts that register someone
VENDORS = ("zoom", "teams", "meet")
# (kind, title ja, title en, description ja, description en)
TOPICS = (
    (EventKind.WEBINAR, "ヘルススコア入門", "Health scores 101",
     "ヘルススコアの **見方** と、アラートへの対応を紹介します。",
     "How to **read** a health score and act on its alerts."),
    (EventKind.SEMINAR, "オンボーディング設計セミナー", "Designing onboarding",
     "最初の90日で定着させるための設計を、事例とともに解説します。",
     "Getting customers to value in their first 90 days, with cases."),
    (EventKind.USER_MEETING, "ユーザー会（東京）", "User meeting (Tokyo)",
     "お客様同士で活用事例を共有する会です。", "Customers share how they use the product."),
    (EventKind.TRAINING, "管理者トレーニング", "Admin training",
     "権限設定と CSV 連携を **ハンズオン** で学びます。",
     "Roles and CSV imports, **hands-on**."),
)  # fmt: skip


def webinar_rows(
    seed: int, cal: Calendar, accounts: list[DemoAccount], first_ids: tuple[int, int]
) -> tuple[list[Row], list[Row]]:
    """(events, registrations), ids from ``first_ids``; the same seed, the same rows."""
    rng = np.random.default_rng([seed, 36])
    events: list[Row] = []
    places: list[Row] = []
    day, n = cal.start + timedelta(days=45), 0
    while day < cal.as_of - timedelta(days=7):
        event = _event(cal, first_ids[0] + n, n, day, recorded=True)
        events.append(event)
        places += _past_places(rng, cal, event, accounts, first_id=first_ids[1] + len(places), n=n)
        day, n = day + timedelta(days=EVERY_DAYS), n + 1
    coming = _event(cal, first_ids[0] + n, 0, cal.as_of + timedelta(days=14), recorded=False)
    events.append(coming)
    places += _invited(rng, cal, coming, accounts, first_ids[1] + len(places))
    return events, places


def _event(cal: Calendar, row_id: int, n: int, day: date, *, recorded: bool) -> Row:
    kind, title_ja, title_en, about_ja, about_en = TOPICS[n % len(TOPICS)]
    starts = cal.instant(day, 14.0)
    created = cal.instant(day - timedelta(days=30), 10.0)
    return {
        "id": row_id, "kind": kind, "title": {"ja": title_ja, "en": title_en},
        "description": {"ja": about_ja, "en": about_en}, "starts_at": starts,
        "ends_at": starts + timedelta(hours=1),
        "join_url": f"https://zoom.example.jp/j/{8_000_000 + row_id}",
        "capacity": 300 if kind is EventKind.USER_MEETING else None, "waitlist": True,
        "segment": None, "reminder_hours": 24,
        "recording_url": f"https://video.example.jp/kasasu/{row_id}" if recorded else None,
        "cancelled_at": None,
        "attendance_taken_at": starts + timedelta(hours=2) if recorded else None,
        "created_at": created, "updated_at": created,
    }  # fmt: skip


def _chosen(
    rng: np.random.Generator, cal: Calendar, accounts: list[DemoAccount], day: date, share: float
) -> list[tuple[DemoAccount, Row]]:
    """Customers on ``day`` (keen ones likelier) with their first contact still there."""
    found = []
    for account in accounts:
        keen = min(share * account.engagement, 0.9)
        if account.period_on(day, cal.as_of) is None or rng.random() >= keen:
            continue
        people = [c for c in account.contacts if c.get("email") and not c.get("left_on")]
        if people:
            found.append((account, people[int(rng.integers(len(people)))]))
    return found


def _past_places(
    rng: np.random.Generator,
    cal: Calendar,
    event: Row,
    accounts: list[DemoAccount],
    *,
    first_id: int,
    n: int,
) -> list[Row]:
    starts, ends = event["starts_at"], event["ends_at"]
    rows: list[Row] = []
    for account, contact in _chosen(rng, cal, accounts, starts.date(), SHARE):
        row = _place(rng, event, account, contact, first_id + len(rows))
        row["registered_at"] = starts - timedelta(days=int(rng.integers(1, 21)))
        if rng.random() < 0.05:
            row["status"], row["cancelled_at"] = S.CANCELLED, starts - timedelta(days=1)
        elif rng.random() < min(0.45 + 0.2 * account.engagement, 0.9):
            row["attended_at"] = starts + timedelta(minutes=int(rng.integers(0, 10)))
            row["attended_minutes"] = int(rng.integers(25, 61))
            row["attendance_source"] = VENDORS[n % len(VENDORS)]
        else:
            row["no_show_at"] = ends + timedelta(hours=2)
        rows.append(row)
    return rows


def _invited(
    rng: np.random.Generator, cal: Calendar, event: Row, accounts: list[DemoAccount], first_id: int
) -> list[Row]:
    sent = cal.instant(cal.as_of - timedelta(days=3), 10.0)
    rows: list[Row] = []
    for account, contact in _chosen(rng, cal, accounts, cal.as_of - timedelta(days=1), 0.1):
        row = _place(rng, event, account, contact, first_id + len(rows))
        row["invited_at"] = sent
        if rng.random() < 0.3:
            row["registered_at"] = sent + timedelta(hours=int(rng.integers(1, 60)))
        else:
            row["status"] = S.INVITED
        rows.append(row)
    return rows


def _place(
    rng: np.random.Generator, event: Row, account: DemoAccount, contact: Row, row_id: int
) -> Row:
    return {
        "id": row_id, "webinar_id": event["id"], "contact_id": contact["id"],
        "account_id": account.id,
        "token": base64.urlsafe_b64encode(rng.bytes(18)).decode(),
        "status": S.REGISTERED, "source": "link", "invited_at": None, "registered_at": None,
        "cancelled_at": None, "attended_at": None, "attended_minutes": None,
        "attendance_source": None, "no_show_at": None, "created_at": event["created_at"],
    }  # fmt: skip
