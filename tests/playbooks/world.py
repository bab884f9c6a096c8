"""A small book of accounts for the playbook tests, every value set by hand.

Refresh day DAY (2026-06-10, a Wednesday); the previous refresh BEFORE (2026-06-09).

account  owner         band BEFORE → DAY   features on DAY                     contacts
P1       佐藤 (ja)     yellow → red         days_to_renewal 30, usage −0.5,     champion p1@cust.jp
                                           churn risk 0.62
P2       Smith (en)    green → green        days_to_renewal 75, seats 0.95,     champion p2@cust.com
                                           churn risk 0.5
P3       —             red → red            days_since_last_event 20            user (no email)
                                           (no churn risk)
P4       佐藤 (ja)     (not paying: no features on DAY)
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kasasu.domain.choices import ContactRole, Role
from kasasu.models import (
    Account,
    Contact,
    FeatureSnapshot,
    HealthScore,
    Scorecard,
    ScorecardVersion,
    User,
)

DAY = date(2026, 6, 10)
BEFORE = date(2026, 6, 9)

FEATURES: dict[str, dict[str, Any]] = {
    "P1": {
        "mrr": 120_000,
        "days_to_renewal": 30,
        "usage_trend_30d": -0.5,
        "days_since_last_event": 2,
        "tenure_days": 400,
        "events_30d": 10,
        "churn_risk": 0.62,
    },
    "P2": {
        "mrr": 40_000,
        "days_to_renewal": 75,
        "usage_trend_30d": 0.1,
        "days_since_last_event": 0,
        "tenure_days": 5,
        "seat_utilisation": 0.95,
        "events_30d": 300,
        "churn_risk": 0.5,
    },
    "P3": {
        "mrr": 10_000,
        "days_to_renewal": None,
        "usage_trend_30d": None,
        "days_since_last_event": 20,
        "tenure_days": 800,
        "events_30d": 0,
    },
}
BANDS = {
    "P1": ("yellow", 55.0, "red", 35.0),
    "P2": ("green", 80.0, "green", 82.0),
    "P3": ("red", 30.0, "red", 25.0),
}


def build_world(session: Session, n_extra: int = 0) -> dict[str, int]:
    """The accounts above (and ``n_extra`` more like P2, named X0, X1 …); name → id."""
    sato = User(email="sato@vendor.jp", name="佐藤 花子", role=Role.CSM, locale="ja")
    smith = User(email="smith@vendor.com", name="Ann Smith", role=Role.CSM, locale="en")
    session.add_all([sato, smith])
    session.flush()
    owners = {"P1": sato.id, "P2": smith.id, "P3": None, "P4": sato.id}
    ids = {}
    for name, owner in owners.items():
        account = Account(external_id=name, name=f"{name} 株式会社", owner_id=owner, plan="Pro")
        session.add(account)
        session.flush()
        ids[name] = account.id
    for i in range(n_extra):
        account = Account(external_id=f"X{i}", name=f"X{i} Inc.", owner_id=smith.id, plan="Pro")
        session.add(account)
        session.flush()
        ids[f"X{i}"] = account.id
    session.add_all(
        [
            Contact(
                external_id="c1",
                account_id=ids["P1"],
                name="山田 太郎",
                email="p1@cust.jp",
                role=ContactRole.CHAMPION,
            ),
            Contact(
                external_id="c2",
                account_id=ids["P2"],
                name="Jo Lee",
                email="p2@cust.com",
                role=ContactRole.CHAMPION,
            ),
            Contact(
                external_id="c3",
                account_id=ids["P3"],
                name="無記名",
                email=None,
                role=ContactRole.USER,
            ),
        ]
    )
    card = Scorecard(name="t", applies_to={}, priority=1)
    session.add(card)
    session.flush()
    version = ScorecardVersion(scorecard_id=card.id, version=1, definition={})
    session.add(version)
    session.flush()
    rows = {**FEATURES, **{f"X{i}": FEATURES["P2"] for i in range(n_extra)}}
    bands = {**BANDS, **{f"X{i}": BANDS["P2"] for i in range(n_extra)}}
    for name, features in rows.items():
        session.add(FeatureSnapshot(account_id=ids[name], as_of=DAY, features=features))
        old_band, old_score, band, score = bands[name]
        for day, b, s in ((BEFORE, old_band, old_score), (DAY, band, score)):
            session.add(
                HealthScore(
                    account_id=ids[name],
                    as_of=day,
                    scorecard_version_id=version.id,
                    score=s,
                    band=b,
                    measures=[],
                )
            )
    session.flush()
    return ids
