"""Accounts, NPS answers and cancellations the voice tests write (on either engine)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from kasasu.domain.choices import (
    BillingInterval,
    CancellationReason,
    SubscriptionStatus,
    SurveyKind,
)
from kasasu.models import Account, Segment, SegmentMember, Subscription, SurveyResponse

# (account, score, comment, answered at UTC). April 2026 in Asia/Tokyo is
# [2026-03-31 15:00Z, 2026-04-30 15:00Z).
ANSWERS = [
    ("A", 3, "サポートの対応が遅くて困っています", datetime(2026, 3, 31, 15, 30, tzinfo=UTC)),
    ("A", 5, "料金が高い", datetime(2026, 4, 5, tzinfo=UTC)),
    ("B", 2, "サポートに問い合わせても返事が遅い", datetime(2026, 4, 10, tzinfo=UTC)),
    ("B", 7, None, datetime(2026, 4, 11, tzinfo=UTC)),
    ("A", 10, "ダッシュボードが見やすい", datetime(2026, 4, 12, tzinfo=UTC)),
    ("B", 9, "サポートが丁寧", datetime(2026, 4, 20, tzinfo=UTC)),
    # 2026-03-31 23:59 in Tokyo: March, outside the period.
    ("B", 0, "料金が高すぎる", datetime(2026, 3, 31, 14, 59, tzinfo=UTC)),
    # 2026-05-01 00:00 in Tokyo: May, outside too.
    ("A", 1, "料金が高すぎる", datetime(2026, 4, 30, 15, 0, tzinfo=UTC)),
]


def add_accounts(s: Session) -> dict[str, int]:
    ids = {}
    for name, plan in [("A", "Pro"), ("B", "Lite")]:
        account = Account(external_id=f"V-{name}", name=f"株式会社{name}", plan=plan)
        s.add(account)
        s.flush()
        ids[name] = account.id
    return ids


def add_answers(s: Session) -> dict[str, int]:
    ids = add_accounts(s)
    for i, (name, score, comment, at) in enumerate(ANSWERS):
        s.add(
            SurveyResponse(
                external_id=f"V-R{i}",
                account_id=ids[name],
                kind=SurveyKind.NPS,
                score=score,
                comment=comment,
                answered_at=at,
            )
        )
    s.flush()
    return ids


def add_segment(s: Session, name: str, account_id: int, since: date) -> None:
    segment = Segment(name=name, rule="plan == 'Lite'")
    s.add(segment)
    s.flush()
    s.add(SegmentMember(segment_id=segment.id, account_id=account_id, entered_on=since))
    s.flush()


# (name, monthly amount, reason, comment), all cancelled on 2025-05-10.
CANCELLED = [
    ("C1", 30_000, CancellationReason.PRICE, "料金が高すぎる"),
    ("C2", 10_000, CancellationReason.MISSING_FEATURES, "Salesforceとの連携ができない"),
    ("C3", 50_000, CancellationReason.PRICE, None),
    ("C4", 20_000, CancellationReason.HARD_TO_USE, "画面が使いにくく、動作も遅い"),
]


def add_cancellations(s: Session) -> dict[str, int]:
    ids = {}
    for name, amount, reason, comment in CANCELLED:
        account = Account(external_id=name, name=f"解約{name}")
        s.add(account)
        s.flush()
        ids[name] = account.id
        s.add(
            Subscription(
                external_id=f"S-{name}",
                account_id=account.id,
                product="Core",
                amount=amount,
                currency="JPY",
                billing_interval=BillingInterval.MONTH,
                start_date=date(2025, 1, 1),
                end_date=date(2026, 1, 1),
                auto_renew=False,
                status=SubscriptionStatus.CANCELLED,
                cancelled_on=date(2025, 5, 10),
                cancel_reason=reason,
                cancel_comment=comment,
            )
        )
    s.flush()
    return ids
