"""A small book whose CRM write-back is worked out by hand (tests/jobs/test_writeback.py,
tests/workspace/test_crm.py, tests/api/test_exports.py).

DAY 2026-04-01 refreshed.
account name         domain  hubspot  salesforce   CSM   band     score  churn risk
C1      株式会社C1   c1.jp   1001     001A000001   Aoki  red      25.0   0.6234 → 62.3 %
C2      C2 Inc.      c2.com  —        —            —     green    82.46  —      → 82.5
C3      株式会社C3   —       1003     —            Baba  unknown  —      —
C4      株式会社C4   —       —        —            Aoki  (not scored on DAY)
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kasasu.accounts.service import set_external_id
from kasasu.models import Account, FeatureSnapshot
from tests.health.touch_data import snapshot, user

DAY = date(2026, 4, 1)


def add_crm_book(session: Session) -> dict[str, int]:
    ids = {"Aoki": user(session, "Aoki"), "Baba": user(session, "Baba")}
    for name, title, domain, owner in [
        ("C1", "株式会社C1", "c1.jp", "Aoki"),
        ("C2", "C2 Inc.", "c2.com", None),
        ("C3", "株式会社C3", None, "Baba"),
        ("C4", "株式会社C4", None, "Aoki"),
    ]:
        account = Account(
            external_id=name,
            name=title,
            domain=domain,
            owner_id=ids[owner] if owner else None,
            custom_fields={},
        )
        session.add(account)
        session.flush()
        ids[name] = account.id
    set_external_id(session, ids["C1"], "hubspot", "1001")
    set_external_id(session, ids["C1"], "salesforce", "001A000001")
    set_external_id(session, ids["C3"], "hubspot", "1003")
    score(session, ids["C1"], DAY, "red", 25.0, risk=0.6234)
    score(session, ids["C2"], DAY, "green", 82.46)
    score(session, ids["C3"], DAY, "unknown", None)
    return ids


def score(
    session: Session,
    account_id: int,
    day: date,
    band: str,
    value: float | None,
    risk: float | None = None,
) -> None:
    """What a refresh of ``day`` stores for the account: its score and churn risk."""
    snapshot(session, day, account_id, None, 10_000, band, value)
    if risk is not None:
        row = session.query(FeatureSnapshot).filter_by(account_id=account_id, as_of=day).one()
        row.features = {**row.features, "churn_risk": risk}
    session.flush()
