"""Logo and MRR renewal rates over the terms that ended in a period, by hand."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kasasu.domain.choices import BillingInterval, RenewalOutcome
from kasasu.domain.choices import SubscriptionStatus as Status
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import compute_metrics, explain_metric
from kasasu.models import Account, Subscription
from kasasu.subscriptions.renewals import record_renewal
from kasasu.subscriptions.schemas import RenewalCreate

M, Y = BillingInterval.MONTH, BillingInterval.YEAR
MAR, APR = date(2026, 3, 1), date(2026, 4, 1)


def _base(session: Session) -> dict[str, int]:
    """N1 renews by itself; N2 churns at its term's end; N3 (billed monthly, a yearly term) is
    recorded as expanded 30,000 → 36,000; N4 is recorded as renewed on March 14; N5 renews
    every month (a billing cycle, left out); N6's term ends in April; N7 was amended in the
    middle of its term (left out)."""
    ids: dict[str, int] = {}

    def line(name: str, amount: int, every: BillingInterval, start: date, end: date,
             status: Status = Status.ACTIVE, cancelled: date | None = None,
             term: int | None = None) -> None:  # fmt: skip
        if name not in ids:
            account = Account(external_id=name, name=name, custom_fields={})
            session.add(account)
            session.flush()
            ids[name] = account.id
        sub = Subscription(
            external_id=f"{name}-{start}", account_id=ids[name], product="Core", amount=amount,
            currency="JPY", billing_interval=every, start_date=start, end_date=end,
            term_months=term, auto_renew=status is Status.ACTIVE, status=status,
            cancelled_on=cancelled,
        )  # fmt: skip
        session.add(sub)
        session.flush()
        ids[f"{name}-line"] = sub.id

    line("N1", 120_000, Y, date(2025, 4, 1), date(2026, 3, 31))
    line("N2", 240_000, Y, date(2025, 4, 1), date(2026, 3, 31), Status.CANCELLED, date(2026, 3, 31))
    line("N3", 30_000, M, date(2025, 4, 1), date(2026, 3, 31), term=12)
    line("N4", 60_000, Y, date(2025, 3, 15), date(2026, 3, 14))
    line("N5", 50_000, M, date(2025, 4, 1), date(2026, 3, 20))
    line("N6", 120_000, Y, date(2025, 5, 1), date(2026, 4, 30))
    line("N7", 120_000, Y, date(2025, 6, 1), date(2026, 3, 9), Status.ENDED)
    line("N7", 180_000, Y, date(2026, 3, 10), date(2027, 3, 9))
    for name, day, outcome, amount in (
        ("N3", date(2026, 3, 31), RenewalOutcome.EXPANDED, 36_000),
        ("N4", date(2026, 3, 14), RenewalOutcome.RENEWED, None),
    ):
        line_id = ids[f"{name}-line"]
        data = RenewalCreate(
            subscription_id=line_id, renewal_date=day, outcome=outcome, amount=amount
        )
        record_renewal(session, data)
    return ids


def test_renewal_rates_by_hand(session: Session) -> None:
    _base(session)
    q = MetricQuery(names=("logo_renewal_rate", "mrr_renewal_rate"), first_month=MAR,
                    last_month=APR)  # fmt: skip
    v = {(x.metric, x.period): x for x in compute_metrics(session, q)}
    # March: N1, N2, N3, N4 had a term ending; N2 alone did not renew.
    logo = v["logo_renewal_rate", "2026-03"]
    assert (logo.numerator, logo.denominator) == (3, 4)
    # Up: 10,000 + 20,000 + 30,000 + 5,000; renewed: 10,000 + 0 + 36,000 + 5,000.
    money = v["mrr_renewal_rate", "2026-03"]
    assert (money.numerator, money.denominator) == (51_000, 65_000)
    assert money.value == pytest.approx(51 / 65)
    april = v["mrr_renewal_rate", "2026-04"]
    assert (april.numerator, april.denominator, april.value) == (10_000, 10_000, 1)


def test_explain_lists_each_account(session: Session) -> None:
    ids = _base(session)
    q = MetricQuery(names=(), first_month=MAR, last_month=MAR)
    explained = explain_metric(session, "mrr_renewal_rate", MAR, q)
    rows = {r.account_id: r.amounts for r in explained.rows}
    assert rows == {
        ids["N1"]: {"up_for_renewal": 10_000, "renewed": 10_000},
        ids["N2"]: {"up_for_renewal": 20_000, "renewed": 0},
        ids["N3"]: {"up_for_renewal": 30_000, "renewed": 36_000},
        ids["N4"]: {"up_for_renewal": 5_000, "renewed": 5_000},
    }
