"""The contract-line rules as SQL expressions: a line's term and its MRR (the rule of
``kasasu.domain.mrr``), for this slice's queries and those of the slices above (renewals)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from kasasu.domain.choices import BillingInterval
from kasasu.models import Subscription


def interval_months() -> ColumnElement[int]:
    """``BillingInterval.months`` of a line, as SQL."""
    return sa.case(
        *((Subscription.billing_interval == i, sa.literal(i.months)) for i in BillingInterval),
        else_=sa.literal(1),
    )


def term_months() -> ColumnElement[int]:
    """A line's term in SQL, by ``BillingInterval.term``: as recorded, else one interval."""
    return sa.func.coalesce(Subscription.term_months, interval_months())


def line_mrr(session: Session, fx: Mapping[str, float] | None) -> ColumnElement[Any]:
    """A line's MRR as a column: in the reporting currency with the factors ``fx`` (null
    for a currency without one), or in its own currency with ``fx`` None."""
    s = Subscription
    # Floats throughout, so no engine turns the division into NUMERIC arithmetic.
    months = sa.cast(interval_months(), sa.Float)
    amount = sa.cast(s.amount, sa.Float)
    if fx is None:
        return _rounded(session, amount / months)
    if not fx:
        return sa.null()
    factor = sa.case(
        *((s.currency == code, sa.literal(f, sa.Float)) for code, f in fx.items()),
        else_=sa.null(),
    )
    return _rounded(session, amount * factor / months)


def _rounded(session: Session, value: Any) -> ColumnElement[Any]:
    """Round half up to an integer: floor(x + 0.5). SQLite may lack floor(); its CAST
    truncates, which is the floor of a value that is never negative here."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.floor(value + 0.5), sa.BigInteger)
    return sa.cast(value + 0.5, sa.BigInteger)
