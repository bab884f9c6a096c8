"""The renewal board: one page of renewals, and totals over all of them computed by the
database in the reporting currency (a missing exchange rate is reported, never dropped)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kasasu.renewals.repository import RenewalBoardRepository, WindowTotals
from kasasu.renewals.schemas import RenewalBoard, RenewalQuery, RenewalRow
from kasasu.subscriptions.mrr import exchange_factors
from kasasu.users.service import user_names


def renewal_board(
    session: Session, query: RenewalQuery, currency: str, today: date
) -> RenewalBoard:
    """Renewals whose date falls in the query's window, converted at today's rates."""
    fx = exchange_factors(session, currency, today)
    repo = RenewalBoardRepository(session)
    rows = repo.page(query, fx)
    totals = repo.totals(query, fx)
    owners = user_names(session, [row.owner_id for row in rows if row.owner_id is not None])
    return RenewalBoard(
        first=query.first,
        last=query.last,
        currency=currency,
        rows=[_row(row, owners) for row in rows],
        total=totals.renewals,
        accounts=totals.accounts,
        mrr=totals.mrr,
        missing_rates=totals.missing,
        decided=totals.decided,
        page=query.page,
        size=query.size,
    )


def renewal_rows(
    session: Session, query: RenewalQuery, currency: str, today: date
) -> list[RenewalRow]:
    """One page of the board's rows, without its totals."""
    rows = RenewalBoardRepository(session).page(query, exchange_factors(session, currency, today))
    owners = user_names(session, [row.owner_id for row in rows if row.owner_id is not None])
    return [_row(row, owners) for row in rows]


def renewal_windows(
    session: Session, query: RenewalQuery, currency: str, today: date, soon: date
) -> tuple[dict[int | None, WindowTotals], dict[str, tuple[int, int]]]:
    """Per account owner, the renewals the query matches and those on or before ``soon``
    (counted as the board counts them, MRR at today's rates); and the MRR without a rate
    per currency (all, soon). An account has one owner, so owners' accounts add up."""
    fx = exchange_factors(session, currency, today)
    return RenewalBoardRepository(session).two_windows(query, fx, soon)


def _row(row: Any, owners: dict[int, str]) -> RenewalRow:
    values = dict(row._mapping)
    values["renewal_date"] = values.pop("day")
    values.pop("own_mrr")  # only the totals read it
    values.pop("cancelled_on")  # only the forecast's backtest reads it
    owner = values["owner_id"]
    return RenewalRow(**values, owner_name=owners.get(owner) if owner is not None else None)
