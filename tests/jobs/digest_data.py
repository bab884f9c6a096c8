"""A small book whose daily digests are worked out by hand (tests/jobs/test_digests.py).

TODAY 2026-03-10 (Tuesday), refreshed that day. CSMs: Aoki (ja, digest by email, the
default), Baba (en, Microsoft Teams at a webhook URL of his own), Chiba (digest "off"),
Dai (owns no account: no digest), Eto (deactivated: none).

account owner  band  score  churn risk  MRR        renewal (yearly, not decided)
D1      Aoki   red   25     0.62        100,000    2026-03-31 (21 days: in 30 days)
D2      Aoki   red   35     —           10,000     —
D3      Aoki   yellow 55    —           10,000     2026-05-20 (71 days: not)
D4      Aoki   green 80     —           10,000     —
D5      Baba   red   30     0.2         10,000     2026-03-20 (10 days)
D6      Chiba  red   20     —           10,000     —
D7      Eto    red   20     —           10,000     —
Red, worst first: Aoki D1 (25), D2 (35); Baba D5.

Open tasks (owner = the task's): Aoki T1 due 03-09 on D1 (overdue), T2 due 03-10 on D2,
T3 due 03-10 without an account (a playbook's), T4 due 03-11 (tomorrow: not listed), T5 done
and overdue (ignored), T6 no due date (not listed). Aoki: 3 listed, 1 overdue. Baba: T7
due 03-08 on D5 (overdue).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kasasu.digests.schemas import DigestPreferenceUpdate
from kasasu.digests.service import set_digest_preference
from kasasu.domain.choices import BillingInterval, SubscriptionStatus, TaskSource, TaskStatus
from kasasu.models import Account, FeatureSnapshot, Subscription, Task, User
from tests.health.touch_data import snapshot, user

TODAY = date(2026, 3, 10)
ACCOUNTS = [  # name, owner, band, score, churn risk, MRR
    ("D1", "Aoki", "red", 25.0, 0.62, 100_000),
    ("D2", "Aoki", "red", 35.0, None, 10_000),
    ("D3", "Aoki", "yellow", 55.0, None, 10_000),
    ("D4", "Aoki", "green", 80.0, None, 10_000),
    ("D5", "Baba", "red", 30.0, 0.2, 10_000),
    ("D6", "Chiba", "red", 20.0, None, 10_000),
    ("D7", "Eto", "red", 20.0, None, 10_000),
]


def add_digest_book(session: Session, teams_url: str) -> dict[str, int]:
    ids = {name: user(session, name) for name in ("Aoki", "Baba", "Chiba", "Dai", "Eto")}
    for name, locale in (("Aoki", "ja"), ("Baba", "en"), ("Eto", "ja")):
        person = session.get(User, ids[name])
        assert person is not None
        person.locale = locale
        person.is_active = name != "Eto"
    set_digest_preference(
        session, ids["Baba"], DigestPreferenceUpdate(channel="teams", target=teams_url)
    )
    set_digest_preference(session, ids["Chiba"], DigestPreferenceUpdate(channel="off"))
    for name, owner, band, score, risk, mrr in ACCOUNTS:
        account = Account(
            external_id=name, name=f"株式会社{name}", owner_id=ids[owner], custom_fields={}
        )
        session.add(account)
        session.flush()
        ids[name] = account.id
        snapshot(session, TODAY, account.id, None, mrr, band, score)
        if risk is not None:
            row = session.query(FeatureSnapshot).filter_by(account_id=account.id).one()
            row.features = {**row.features, "churn_risk": risk}
    for name, end, amount in [("D1", date(2026, 3, 31), 1_200_000),
                              ("D3", date(2026, 5, 20), 120_000),
                              ("D5", date(2026, 3, 20), 120_000)]:  # fmt: skip
        session.add(
            Subscription(
                external_id=f"S-{name}",
                account_id=ids[name],
                product="Kasasu",
                plan="pro",
                amount=amount,
                currency="JPY",
                billing_interval=BillingInterval.YEAR,
                start_date=date(end.year - 1, end.month, 1),
                end_date=end,
                term_months=12,
                status=SubscriptionStatus.ACTIVE,
            )
        )
    tasks = [
        ("T1", "Aoki", "D1", date(2026, 3, 9), TaskStatus.OPEN, TaskSource.MANUAL),
        ("T2", "Aoki", "D2", date(2026, 3, 10), TaskStatus.OPEN, TaskSource.MANUAL),
        ("T3", "Aoki", None, date(2026, 3, 10), TaskStatus.OPEN, TaskSource.PLAYBOOK),
        ("T4", "Aoki", "D1", date(2026, 3, 11), TaskStatus.OPEN, TaskSource.MANUAL),
        ("T5", "Aoki", "D1", date(2026, 3, 1), TaskStatus.DONE, TaskSource.MANUAL),
        ("T6", "Aoki", "D1", None, TaskStatus.OPEN, TaskSource.MANUAL),
        ("T7", "Baba", "D5", date(2026, 3, 8), TaskStatus.OPEN, TaskSource.MANUAL),
    ]
    for name, owner, account, due, status, source in tasks:
        session.add(
            Task(
                title=f"task {name}",
                owner_id=ids[owner],
                account_id=ids[account] if account else None,
                due_date=due,
                status=status,
                source=source,
            )
        )
    session.flush()
    return ids
