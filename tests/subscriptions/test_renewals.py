"""A renewal outcome changes the contract as it happened, never its history: the MRR
before the renewal date stays, and the movement lands in the month after the term's end."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from kasasu.domain.choices import BillingInterval, CancellationReason, RenewalOutcome
from kasasu.domain.choices import SubscriptionStatus as Status
from kasasu.errors import InvalidInput
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import compute_metrics
from kasasu.models import Account, Subscription
from kasasu.subscriptions.renewals import record_renewal
from kasasu.subscriptions.schemas import RenewalCreate

END = date(2026, 3, 31)  # the last day of the fiscal year's term


def _line(session: Session) -> int:
    account = Account(external_id="K1", name="株式会社K1", custom_fields={})
    session.add(account)
    session.flush()
    line = Subscription(
        external_id="K1-core", account_id=account.id, product="Core", amount=100_000,
        currency="JPY", billing_interval=BillingInterval.MONTH, term_months=12, seats=10,
        start_date=date(2025, 4, 1), end_date=END, auto_renew=True, status=Status.ACTIVE,
    )  # fmt: skip
    session.add(line)
    session.flush()
    return line.id


def _decide(session: Session, line: int, outcome: RenewalOutcome, **more: object) -> None:
    record_renewal(
        session,
        RenewalCreate(subscription_id=line, renewal_date=END, outcome=outcome, **more),  # type: ignore[arg-type]
    )


def _moves(session: Session) -> dict[str, dict[str, int]]:
    q = MetricQuery(names=("mrr_movements",), first_month=date(2026, 3, 1),
                    last_month=date(2026, 4, 1))  # fmt: skip
    return {v.period: v.breakdown or {} for v in compute_metrics(session, q)}


def test_renewed_rolls_the_term_forward(session: Session) -> None:
    line = _line(session)
    _decide(session, line, RenewalOutcome.RENEWED)
    row = session.get(Subscription, line)
    assert row is not None
    assert (row.end_date, row.status) == (date(2027, 3, 31), Status.ACTIVE)


def test_expanded_opens_a_new_version_from_the_next_day(session: Session) -> None:
    line = _line(session)
    _decide(session, line, RenewalOutcome.EXPANDED, amount=120_000, seats=12)
    old = session.get(Subscription, line)
    assert old is not None
    assert (old.status, old.end_date, old.amount) == (Status.ENDED, END, 100_000)
    [new] = session.query(Subscription).filter(Subscription.id != line).all()
    assert (new.start_date, new.end_date) == (date(2026, 4, 1), date(2027, 3, 31))
    assert (new.amount, new.seats, new.term_months) == (120_000, 12, 12)
    moves = _moves(session)
    # March keeps its ¥100,000 (no movement); April expands by ¥20,000.
    assert (moves["2026-03"]["end"], moves["2026-03"]["expansion"]) == (100_000, 0)
    assert (moves["2026-04"]["expansion"], moves["2026-04"]["end"]) == (20_000, 120_000)


def test_changing_the_outcome_takes_back_the_earlier_one(session: Session) -> None:
    line = _line(session)
    _decide(session, line, RenewalOutcome.EXPANDED, amount=120_000)
    _decide(session, line, RenewalOutcome.CHURNED, reason=CancellationReason.PRICE)
    assert session.query(Subscription).count() == 1  # the new version is gone
    row = session.get(Subscription, line)
    assert row is not None
    assert (row.status, row.cancelled_on, row.end_date) == (Status.CANCELLED, END, END)
    moves = _moves(session)
    # Paid through March 31: in March's MRR, churned in April.
    assert (moves["2026-03"]["end"], moves["2026-04"]["churn"]) == (100_000, 100_000)
    _decide(session, line, RenewalOutcome.RENEWED)
    assert (row.status, row.cancelled_on, row.end_date) == (Status.ACTIVE, None, date(2027, 3, 31))


def test_a_resize_changed_to_another_resize_replaces_the_new_version(session: Session) -> None:
    line = _line(session)
    _decide(session, line, RenewalOutcome.EXPANDED, amount=120_000)
    _decide(session, line, RenewalOutcome.CONTRACTED, amount=80_000)
    [new] = session.query(Subscription).filter(Subscription.id != line).all()
    assert (new.amount, new.start_date, new.external_id) == (80_000, date(2026, 4, 1),
                                                             "K1-core@2026-04-01")  # fmt: skip
    assert _moves(session)["2026-04"]["contraction"] == 20_000


@pytest.mark.parametrize(
    ("outcome", "more", "field"),
    [
        (RenewalOutcome.CHURNED, {}, "reason"),
        (RenewalOutcome.EXPANDED, {}, "amount"),
        (RenewalOutcome.EXPANDED, {"amount": 90_000}, "amount"),
        (RenewalOutcome.CONTRACTED, {"amount": 100_000}, "amount"),
    ],
)
def test_an_outcome_without_what_it_needs_is_refused(
    session: Session, outcome: RenewalOutcome, more: dict[str, object], field: str
) -> None:
    line = _line(session)
    with pytest.raises(InvalidInput) as caught:
        _decide(session, line, outcome, **more)
    assert [e.loc[-1] for e in caught.value.errors] == [field]
    row = session.get(Subscription, line)
    assert row is not None
    assert (row.status, row.end_date) == (Status.ACTIVE, END)  # nothing written


def test_a_date_that_is_not_the_term_end_is_refused(session: Session) -> None:
    line = _line(session)
    with pytest.raises(InvalidInput):
        record_renewal(
            session,
            RenewalCreate(
                subscription_id=line, renewal_date=date(2026, 4, 1), outcome=RenewalOutcome.RENEWED
            ),
        )
