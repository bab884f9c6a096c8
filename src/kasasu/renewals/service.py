"""The renewal board: one page of renewals, and totals over all of them computed by the
database in the reporting currency (a missing exchange rate is reported, never dropped)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kasasu.renewals.repository import RenewalBoardRepository
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


def renewals_per_owner(
    session: Session, query: RenewalQuery, currency: str, today: date
) -> dict[int | None, tuple[int, int]]:
    """Per account owner: (renewals, MRR at today's rates) of every renewal the query
    matches, as the board counts them."""
    return RenewalBoardRepository(session).per_owner(
        query, exchange_factors(session, currency, today)
    )


def _row(row: Any, owners: dict[int, str]) -> RenewalRow:
    values = dict(row._mapping)
    values["renewal_date"] = values.pop("day")
    values.pop("own_mrr")  # only the totals read it
    owner = values["owner_id"]
    return RenewalRow(**values, owner_name=owners.get(owner) if owner is not None else None)
