"""The accounts list as a table for a file: exactly the accounts the list's query selects,
every one of them, with the columns a CSM opens in Excel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kasasu.kit.i18n import Message, _
from kasasu.workspace.accounts import AccountListQuery, all_accounts

ACCOUNT_COLUMNS: tuple[Message, ...] = (
    _("Id"),
    _("Name"),
    _("Plan"),
    _("Tier"),
    _("Touch model"),
    _("Owner"),
    _("MRR"),
    _("Health"),
    _("Band"),
    _("Days to renewal"),
    _("Churn risk"),
)


def account_rows(session: Session, query: AccountListQuery, today: date) -> Iterator[list[Any]]:
    """One row per account, in the list's order (values as a spreadsheet holds them)."""
    for a in all_accounts(session, query, today):
        h = a.health
        touch = a.current_touch_model
        yield [
            a.external_id,
            a.name,
            a.plan or "",
            a.tier or "",
            touch.value if touch else "",
            a.owner_name or "",
            _plain(h.mrr) if h else "",
            round(h.score, 1) if h and h.score is not None else "",
            h.band.value if h else "",
            _plain(h.days_to_renewal) if h else "",
            round(h.churn_risk, 4) if h and h.churn_risk is not None else "",
        ]


def _plain(value: float | None) -> int | float | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value
