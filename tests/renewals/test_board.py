"""The renewal board counts every renewal of the window, totals its MRR in the reporting
currency by the database, pages, filters and sorts; figures computed by hand."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from kasasu.domain.choices import BillingInterval, RenewalOutcome
from kasasu.models import Account, ExchangeRate, Subscription
from kasasu.renewals.schemas import RenewalQuery
from kasasu.renewals.service import renewal_board
from kasasu.subscriptions.renewals import record_renewal
from kasasu.subscriptions.schemas import RenewalCreate

TODAY = date(2026, 3, 1)
Y, M = BillingInterval.YEAR, BillingInterval.MONTH


def _world(session: Session) -> dict[str, int]:
    ids = {}
    for name in ("R1", "R2", "R3"):
        account = Account(external_id=name, name=f"株式会社{name}", custom_fields={})
        session.add(account)
        session.flush()
        ids[name] = account.id

    def line(key: str, acc: str, amount: int, cur: str, every: BillingInterval, days: int,
             term: int | None = None) -> None:  # fmt: skip
        sub = Subscription(
            external_id=key, account_id=ids[acc], product="Core", amount=amount, currency=cur,
            billing_interval=every, start_date=date(2025, 1, 1), term_months=term,
            end_date=TODAY + timedelta(days=days), auto_renew=True, status="active",
        )  # fmt: skip
        session.add(sub)
        session.flush()
        ids[key] = sub.id

    line("L1", "R1", 1_200_000, "JPY", Y, 10)  # 100,000 a month
    line("L2", "R2", 120_000, "USD", Y, 40)  # $1,200.00 a year = $100 a month = ¥15,025
    line("L3", "R3", 30_000, "JPY", M, 5)  # a monthly term: a billing cycle, not listed
    line("L4", "R3", 50_000, "JPY", M, 60, term=12)  # billed monthly, a yearly term
    line("L5", "R2", 60_000, "EUR", Y, 20)  # €600.00 a year = €50 a month: no rate
    for n in range(60):
        line(f"X{n}", "R1", 12_000, "JPY", Y, 30)  # 1,000 a month each
    session.add(ExchangeRate(day=TODAY - timedelta(days=3), currency="USD",
                             quote_currency="JPY", rate=Decimal("150.25")))  # fmt: skip
    session.flush()
    return ids


def _board(session: Session, **query: object) -> object:
    q = RenewalQuery(first=TODAY, last=TODAY + timedelta(days=90), **query)  # type: ignore[arg-type]
    return renewal_board(session, q, "JPY", TODAY)


def test_every_renewal_counts_in_the_reporting_currency(session: Session) -> None:
    _world(session)
    board = _board(session)
    # L1, L2, L4, L5 and the 60 small lines; L3's one-month term is left out.
    assert (board.total, board.accounts) == (64, 3)  # type: ignore[attr-defined]
    # 100,000 + $100 × 150.25 + 50,000 + 60 × 1,000; €50 has no rate and is reported apart.
    assert board.mrr == 100_000 + 15_025 + 50_000 + 60_000  # type: ignore[attr-defined]
    assert board.missing_rates == {"EUR": 5_000}  # type: ignore[attr-defined]
    assert len(board.rows) == 50  # type: ignore[attr-defined]
    second = _board(session, page=2)
    assert len(second.rows) == 14  # type: ignore[attr-defined]
    monthly = _board(session, include_monthly=True)
    assert (monthly.total, monthly.mrr) == (65, board.mrr + 30_000)  # type: ignore[attr-defined]


def test_sorted_by_mrr_and_by_date(session: Session) -> None:
    ids = _world(session)
    by_mrr = _board(session, sort="-mrr").rows  # type: ignore[attr-defined]
    assert [r.subscription_id for r in by_mrr[:3]] == [ids["L1"], ids["L4"], ids["L2"]]
    assert by_mrr[0].mrr == 100_000
    by_date = _board(session).rows  # type: ignore[attr-defined]
    assert by_date[0].subscription_id == ids["L1"]  # in 10 days
    assert by_date[0].renewal_date == TODAY + timedelta(days=10)
    last = _board(session, sort="-mrr", page=2).rows  # type: ignore[attr-defined]
    assert last[-1].subscription_id == ids["L5"]  # no rate: last
    assert last[-1].mrr is None


def test_a_decided_renewal_stays_in_its_window(session: Session) -> None:
    ids = _world(session)
    day = TODAY + timedelta(days=10)
    record_renewal(session, RenewalCreate(subscription_id=ids["L1"], renewal_date=day,
                                          outcome=RenewalOutcome.RENEWED))  # fmt: skip
    assert session.get(Subscription, ids["L1"]).end_date == date(2027, 3, 11)  # type: ignore[union-attr]
    decided = _board(session, decided=True)
    assert [(r.subscription_id, r.renewal_date, r.outcome) for r in decided.rows] == [  # type: ignore[attr-defined]
        (ids["L1"], day, RenewalOutcome.RENEWED)
    ]
    undecided = _board(session, decided=False)
    assert (undecided.total, undecided.decided) == (63, 0)  # type: ignore[attr-defined]
    assert _board(session).total == 64  # type: ignore[attr-defined]


def test_filter_by_product_and_plan(session: Session) -> None:
    ids = _world(session)
    line = session.get(Subscription, ids["L4"])
    assert line is not None
    line.product, line.plan = "Analytics", "Pro"
    session.flush()
    assert _board(session, product="Analytics").total == 1  # type: ignore[attr-defined]
    assert _board(session, plan="Pro").mrr == 50_000  # type: ignore[attr-defined]
    assert _board(session, product="Core").total == 63  # type: ignore[attr-defined]
