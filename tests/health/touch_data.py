"""A small book of accounts whose workload per touch model is computed by hand.

Latest refresh 2026-02-01 (DAY); an older one on 2026-01-25 (BEFORE) must not count.

owner  account  own touch  touch on DAY  MRR on DAY  → counted as
Aoki   W1       —          high          ¥400,000     high
Aoki   W2       low        tech          ¥30,000      low (its own wins)
Aoki   W3       —          (not scored)  —            none, ¥0
Baba   W4       —          tech          ¥12,000      tech (high on BEFORE)
—      W5       —          high          ¥500,000     high, no owner

Open tasks, today = TODAY (2026-02-10) unless given: W1 due the day before (overdue) and due
today (not), a done one overdue (ignored); W2 no due date; W4 due tomorrow; one task on no
account (ignored).
→ Aoki high: 2 open, 1 overdue; Aoki low: 1 open; Baba tech: 1 open.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import SecretStr
from sqlalchemy.orm import Session

from kasasu.domain.choices import Role, TaskStatus, TouchModel
from kasasu.health.scorecards import ensure_default_scorecard
from kasasu.models import Account, FeatureSnapshot, HealthScore, ScorecardVersion, Task
from kasasu.users.schemas import UserCreate
from kasasu.users.service import create_user

DAY = date(2026, 2, 1)
BEFORE = date(2026, 1, 25)
TODAY = date(2026, 2, 10)


def snapshot(
    session: Session,
    day: date,
    account_id: int,
    touch: TouchModel | None,
    mrr: float,
    band: str = "green",
    score: float | None = 80.0,
    measures: list[dict[str, Any]] | None = None,
    days_to_renewal: float | None = None,
) -> None:
    """What a refresh of ``day`` would have stored for the account (features: MRR, and the
    days to its renewal when given)."""
    ensure_default_scorecard(session)
    version = session.query(ScorecardVersion).order_by(ScorecardVersion.id).first()
    assert version is not None
    features: dict[str, Any] = {"mrr": mrr}
    if days_to_renewal is not None:
        features["days_to_renewal"] = days_to_renewal
    session.add(FeatureSnapshot(account_id=account_id, as_of=day, features=features))
    session.add(
        HealthScore(
            account_id=account_id,
            as_of=day,
            scorecard_version_id=version.id,
            score=score,
            band=band,
            measures=measures or [],
            touch_model=touch,
        )
    )
    session.flush()


def user(session: Session, name: str, role: Role = Role.CSM) -> int:
    data = UserCreate(
        email=f"{name.lower()}@example.com",
        name=name,
        role=role,
        password=SecretStr("long enough password"),
    )
    return create_user(session, data).id


def add_workload_book(session: Session, today: date = TODAY) -> dict[str, int]:
    """The book above (task due dates relative to ``today``); returns account and user ids
    by name (W1…, Aoki, Baba)."""
    ids = {"Aoki": user(session, "Aoki"), "Baba": user(session, "Baba")}
    owners = {"W1": "Aoki", "W2": "Aoki", "W3": "Aoki", "W4": "Baba", "W5": None}
    for name, owner in owners.items():
        account = Account(
            external_id=name,
            name=f"株式会社{name}",
            owner_id=ids[owner] if owner else None,
            touch_model=TouchModel.LOW if name == "W2" else None,
            custom_fields={},
        )
        session.add(account)
        session.flush()
        ids[name] = account.id
    snapshot(session, BEFORE, ids["W4"], TouchModel.HIGH, 12_000)
    for name, touch, mrr in [
        ("W1", TouchModel.HIGH, 400_000),
        ("W2", TouchModel.TECH, 30_000),
        ("W4", TouchModel.TECH, 12_000),
        ("W5", TouchModel.HIGH, 500_000),
    ]:
        snapshot(session, DAY, ids[name], touch, mrr)
    tasks = [
        ("W1", today - timedelta(days=1), TaskStatus.OPEN),
        ("W1", today, TaskStatus.OPEN),
        ("W1", today - timedelta(days=40), TaskStatus.DONE),
        ("W2", None, TaskStatus.OPEN),
        ("W4", today + timedelta(days=1), TaskStatus.OPEN),
        (None, today - timedelta(days=40), TaskStatus.OPEN),
    ]
    for n, (account, due, status) in enumerate(tasks):
        session.add(
            Task(
                account_id=ids[account] if account else None,
                owner_id=ids["Aoki"],
                title=f"task {n}",
                due_date=due,
                status=status,
            )
        )
    session.flush()
    return ids
