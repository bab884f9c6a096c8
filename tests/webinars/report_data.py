"""A hand-made customer base for the events report, every figure worked out by hand in
tests/webinars/test_report.py.

The 12 months compared run from 2026-01-01 to 2027-01-01 (Tokyo); attendance counts from
2025-01-01 to 2026-01-01. Monthly lines in JPY:

- segment "smb" (members since 2025-12-01): A1 10,000 (+5,000 on the same product from
  2026-05-01: an upsell), A2 20,000 cancelled 2026-06-30 (both attended the June 2025
  event); A3 10,000 (a no-show in June 2025, attended in March 2026: after the window),
  A4 10,000 cancelled 2026-03-31, A5 5,000 from 2026-02-01 (not paying at the start);
- segment "ent": E1 100,000 (attended), E2 100,000 cancelled 2026-09-30;
- segment "quiet": A3 only, no attendee: not compared;
- X: in no segment, attended: in no comparison.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from kasasu.domain.choices import BillingInterval, EventKind, SubscriptionStatus, TouchModel
from kasasu.domain.choices import RegistrationStatus as S
from kasasu.models import (
    Account,
    Contact,
    Segment,
    SegmentMember,
    Subscription,
    Webinar,
    WebinarRegistration,
)

NOW = datetime(2027, 6, 15, 0, 0, tzinfo=UTC)
JUNE = datetime(2025, 6, 10, 5, 0, tzinfo=UTC)
MARCH = datetime(2026, 3, 10, 5, 0, tzinfo=UTC)
# name: (monthly amount, start, cancelled on, touch model)
LINES: dict[str, list[tuple[int, date, date | None]]] = {
    "A1": [(10_000, date(2025, 1, 1), None), (5_000, date(2026, 5, 1), None)],
    "A2": [(20_000, date(2025, 1, 1), date(2026, 6, 30))],
    "A3": [(10_000, date(2025, 1, 1), None)],
    "A4": [(10_000, date(2025, 1, 1), date(2026, 3, 31))],
    "A5": [(5_000, date(2026, 2, 1), None)],
    "E1": [(100_000, date(2025, 1, 1), None)],
    "E2": [(100_000, date(2025, 1, 1), date(2026, 9, 30))],
    "X": [(10_000, date(2025, 1, 1), None)],
}
TOUCH = {"A1": TouchModel.LOW, "A2": TouchModel.LOW, "A3": TouchModel.LOW, "E1": TouchModel.HIGH}
SEGMENTS = {"smb": ("A1", "A2", "A3", "A4", "A5"), "ent": ("E1", "E2"), "quiet": ("A3",)}


def add_base(s: Session, *, segments: bool = True) -> dict[str, int]:
    """The accounts (with one contact each, c-NAME) and their lines; account ids by name."""
    ids: dict[str, int] = {}
    for name, lines in LINES.items():
        account = Account(external_id=name, name=f"Account {name}", touch_model=TOUCH.get(name))
        s.add(account)
        s.flush()
        ids[name] = account.id
        s.add(Contact(external_id=f"c-{name}", account_id=account.id, name=name,
                      email=f"{name.lower()}@example.jp"))  # fmt: skip
        for n, (amount, start, cancelled) in enumerate(lines):
            s.add(_line(f"{name}-{n}", account.id, amount, start, cancelled))
    if segments:
        for segment, names in SEGMENTS.items():
            row = Segment(name=segment, rule="true")
            s.add(row)
            s.flush()
            s.add_all(
                SegmentMember(segment_id=row.id, account_id=ids[n], entered_on=date(2025, 12, 1))
                for n in names
            )
    s.flush()
    return ids


def _line(key: str, account: int, amount: int, start: date, cancelled: date | None) -> Subscription:
    return Subscription(
        external_id=key, account_id=account, product="core", amount=amount, currency="JPY",
        billing_interval=BillingInterval.MONTH, start_date=start, auto_renew=True,
        status=SubscriptionStatus.CANCELLED if cancelled else SubscriptionStatus.ACTIVE,
        cancelled_on=cancelled,
    )  # fmt: skip


def add_events(s: Session, ids: dict[str, int]) -> dict[str, int]:
    """June 2025: A1, A2, E1 and X attended, A3 a no-show, A4 waiting, A5 cancelled;
    March 2026: A3 attended; a cancelled event of May 2025 and one to come."""
    june = _event(s, "June", JUNE)
    march = _event(s, "March", MARCH)
    called_off = _event(s, "Called off", datetime(2025, 5, 1, 5, 0, tzinfo=UTC))
    called_off.cancelled_at = datetime(2025, 4, 1, tzinfo=UTC)
    _event(s, "To come", datetime(2027, 7, 1, 5, 0, tzinfo=UTC))
    contacts = {c.external_id[2:]: c.id for c in s.query(Contact).all()}
    for name in ("A1", "A2", "E1", "X"):
        _place(s, june, ids[name], contacts[name], S.REGISTERED, attended=JUNE)
    _place(s, june, ids["A3"], contacts["A3"], S.REGISTERED)
    _place(s, june, ids["A4"], contacts["A4"], S.WAITLISTED)
    _place(s, june, ids["A5"], contacts["A5"], S.CANCELLED)
    _place(s, march, ids["A3"], contacts["A3"], S.REGISTERED, attended=MARCH)
    s.flush()
    return {"june": june.id, "march": march.id}


def _event(s: Session, title: str, starts: datetime) -> Webinar:
    row = Webinar(kind=EventKind.WEBINAR, title={"ja": "", "en": title}, description={},
                  starts_at=starts, ends_at=starts.replace(hour=6), waitlist=True,
                  reminder_hours=24)  # fmt: skip
    s.add(row)
    s.flush()
    return row


def _place(
    s: Session,
    webinar: Webinar,
    account: int,
    contact: int,
    status: S,
    attended: datetime | None = None,
) -> None:
    s.add(
        WebinarRegistration(
            webinar_id=webinar.id, account_id=account, contact_id=contact,
            token=f"t-{webinar.id}-{contact}", status=status, source="staff",
            registered_at=webinar.starts_at, attended_at=attended,
            attendance_source="zoom" if attended else None, created_at=webinar.starts_at,
        )
    )  # fmt: skip
