"""Accounts whose loyalty, advocates and survey results are computed by hand.

Month reported: 2026-11 (its end 2026-12-01); latest refresh 2026-11-30 (bands below).

acct plan  first contract  MRR     band    contact (reference?)  NPS answers
L1   Pro   2025-01-01      100,000 green   C1 yes                10 (11-10)
L2   Pro   2026-03-01       50,000 green   C2 yes                 9 (11-12)
L3   Basic 2025-01-01       40,000 green   C3 yes                 9 (10-01), 5 (11-20)
L4   Basic 2025-01-01       30,000 yellow  C4 no                 10 (11-05)
CSAT in November, all L1: 5, 4, 4, 2. Segment "vip": L1 from 2026-09-01, L4 from 2026-11-15.

Loyal at the end of November (paid since 2025-12-01 or before, latest NPS 9–10, no
contraction): L1, L4 (23 months each); green only: L1. Advocates: C1, C2 (C3's latest is 5,
C4 did not agree).
NPS November: 10, 9, 5, 10 → pP = 3/4, pD = 1/4, NPS 50, n 4,
  Var = (0.75 + 0.25 − 0.5²)/4 = 0.1875, half = 1.96 × 100 × √0.1875 = 84.87049…
  → [−34.87049…, 100 (clipped)]; October: 9 → NPS 100, n 1; change −50.
  Pro: 10, 9 → 100, interval [100, 100]; Basic: 5, 10 → 0, half = 196 × √0.5 → [−100, 100].
  vip: October {L1} no answer; November {L1, L4}: 10, 10 → 100, n 2.
CSAT November: 3 of 4 → 0.75, half = 1.96 × √(0.75 × 0.25 / 4) = 0.424352… → [0.325648…, 1].
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from kasasu.domain.choices import BillingInterval, SubscriptionStatus, SurveyKind
from kasasu.models import Account, Contact, Segment, SegmentMember, Subscription, SurveyResponse
from tests.health.touch_data import snapshot

MONTH = date(2026, 11, 1)
REFRESH = date(2026, 11, 30)

ACCOUNTS = [
    ("L1", "Pro", date(2025, 1, 1), 100_000, "green", True),
    ("L2", "Pro", date(2026, 3, 1), 50_000, "green", True),
    ("L3", "Basic", date(2025, 1, 1), 40_000, "green", True),
    ("L4", "Basic", date(2025, 1, 1), 30_000, "yellow", False),
]
NPS = [
    ("L1", datetime(2026, 11, 10, 3, tzinfo=UTC), 10),
    ("L2", datetime(2026, 11, 12, 3, tzinfo=UTC), 9),
    ("L3", datetime(2026, 10, 1, 3, tzinfo=UTC), 9),
    ("L3", datetime(2026, 11, 20, 3, tzinfo=UTC), 5),
    ("L4", datetime(2026, 11, 5, 3, tzinfo=UTC), 10),
]


def add_voice_book(session: Session) -> dict[str, int]:
    ids: dict[str, int] = {}
    for name, plan, start, mrr, band, agreed in ACCOUNTS:
        account = Account(external_id=name, name=f"株式会社{name}", plan=plan, custom_fields={})
        session.add(account)
        session.flush()
        ids[name] = account.id
        session.add(
            Subscription(
                external_id=f"S-{name}",
                account_id=account.id,
                product="Kasasu",
                plan=plan,
                amount=mrr,
                currency="JPY",
                billing_interval=BillingInterval.MONTH,
                start_date=start,
                status=SubscriptionStatus.ACTIVE,
            )
        )
        contact = Contact(
            external_id=f"C-{name}",
            account_id=account.id,
            name=f"担当{name}",
            email=f"{name.lower()}@example.jp",
            reference_ok=agreed,
        )
        session.add(contact)
        session.flush()
        ids["C" + name[1:]] = contact.id
        snapshot(session, REFRESH, account.id, None, mrr, band)
    answers = [(a, at, SurveyKind.NPS, score) for a, at, score in NPS]
    answers += [
        ("L1", datetime(2026, 11, 2 + i, 3, tzinfo=UTC), SurveyKind.CSAT, score)
        for i, score in enumerate((5, 4, 4, 2))
    ]
    for n, (name, at, kind, score) in enumerate(answers):
        session.add(
            SurveyResponse(
                external_id=f"A{n}",
                account_id=ids[name],
                contact_id=ids["C" + name[1:]],
                kind=kind,
                score=score,
                answered_at=at,
            )
        )
    vip = Segment(name="vip", rule="mrr >= 30000")
    session.add(vip)
    session.flush()
    session.add(SegmentMember(segment_id=vip.id, account_id=ids["L1"], entered_on=date(2026, 9, 1)))
    session.add(
        SegmentMember(segment_id=vip.id, account_id=ids["L4"], entered_on=date(2026, 11, 15))
    )
    session.flush()
    return ids
