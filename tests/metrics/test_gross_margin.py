"""KASASU_GROSS_MARGIN: validated, read by the simple LTV and shown with it."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountCreate
from kasasu.accounts.service import accounts
from kasasu.domain.choices import SubscriptionStatus
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import compute_metrics
from kasasu.settings import Settings
from kasasu.subscriptions.schemas import SubscriptionCreate
from kasasu.subscriptions.service import subscriptions


def test_the_margin_is_a_share_above_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().gross_margin == 1.0
    monkeypatch.setenv("KASASU_GROSS_MARGIN", "0.8")
    assert Settings().gross_margin == 0.8
    for wrong in ("0", "1.2", "-0.5"):
        monkeypatch.setenv("KASASU_GROSS_MARGIN", wrong)
        with pytest.raises(ValidationError):
            Settings()


def test_the_simple_ltv_uses_the_margin_and_shows_it(session: Session) -> None:
    # A pays ¥100,000 a month; B ¥50,000 until 31 January, so B churns in February.
    for name, amount, cancelled in (("A", 100_000, None), ("B", 50_000, date(2026, 1, 31))):
        account = accounts.create(session, AccountCreate(external_id=name, name=name))
        line = SubscriptionCreate(
            account_id=account.id,
            product="Core",
            amount=amount,
            currency="JPY",
            start_date=date(2025, 12, 1),
            status=SubscriptionStatus.CANCELLED if cancelled else SubscriptionStatus.ACTIVE,
            cancelled_on=cancelled,
        )
        subscriptions.create(session, line)
    month = date(2026, 2, 1)
    query = MetricQuery(("ltv_simple",), month, month, gross_margin=0.8)
    [ltv] = compute_metrics(session, query)
    # ARPA ¥100,000 (A alone at the end) × 0.8 ÷ monthly churn 1/2 = ¥160,000.
    assert ltv.value == pytest.approx(160_000)
    assert ltv.breakdown == {"arpa": 100_000, "gross_margin": 0.8, "monthly_churn_rate": 0.5}
