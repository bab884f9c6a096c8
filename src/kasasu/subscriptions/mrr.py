"""MRR totals of contract lines for the pages (renewals, dashboard), computed by the database
with the one rule of ``kasasu.domain.mrr``: per line round-half-up(amount × fx ÷ months) in
the reporting currency, fx from the latest rate on or before a day. A line in a currency with
no such rate is not dropped: its MRR is reported per currency, in that currency's minor units.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from kasasu.domain.mrr import fx_factor
from kasasu.models import Subscription
from kasasu.subscriptions.repository import ExchangeRateRepository, LineMrrRepository


@dataclass(frozen=True)
class MrrTotal:
    """The MRR of a set of contract lines on ``on``.

    ``mrr`` is in minor units of ``currency`` (the reporting currency) and sums every line
    with a rate; ``missing`` holds, per currency without a rate to ``currency`` on or before
    ``on``, its lines' MRR in minor units of that currency (left out of ``mrr``).
    ``lines`` and ``accounts`` count every line selected, with or without a rate.
    """

    currency: str
    on: date
    mrr: int = 0
    lines: int = 0
    accounts: int = 0
    missing: dict[str, int] = field(default_factory=dict)


def exchange_factors(session: Session, currency: str, on: date) -> dict[str, float]:
    """Per currency with a rate to ``currency`` on or before ``on``: the factor from its minor
    unit to ``currency``'s (``currency`` itself at 1.0)."""
    rates = ExchangeRateRepository(session).latest_rates(currency, on)
    fx = {code: fx_factor(rate, code, currency) for code, rate in rates.items()}
    fx[currency] = 1.0
    return fx


def mrr_total(session: Session, where: ColumnElement[bool], currency: str, on: date) -> MrrTotal:
    """The MRR of the contract lines matching ``where`` (a condition on ``Subscription``),
    converted to ``currency`` at the latest rate on or before ``on``.

    Each line counts with its price per billing interval as it stands; which lines serve on
    which day is the caller's condition (renewals: the lines renewing in a window). Two
    queries whatever the number of lines: the latest rates, then one sum per currency. Free
    lines (amount 0) are no paying lines: left out, as the KPIs leave them out.
    """
    where = where & (Subscription.amount > 0)
    fx = exchange_factors(session, currency, on)
    repo = LineMrrRepository(session)
    rows = repo.by_currency(where, fx)
    missing = {r.currency: r.own for r in rows if r.converted is None}
    return MrrTotal(
        currency=currency,
        on=on,
        mrr=sum(r.converted or 0 for r in rows),
        lines=sum(r.lines for r in rows),
        accounts=repo.count_accounts(where) if len(rows) > 1 else sum(r.accounts for r in rows),
        missing=missing,
    )


def mrr_of_lines(session: Session, ids: Iterable[int], currency: str, on: date) -> MrrTotal:
    """:func:`mrr_total` of the contract lines with these ids."""
    return mrr_total(session, Subscription.id.in_(sorted(set(ids))), currency, on)
