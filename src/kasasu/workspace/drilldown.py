"""A KPI's drill-down (内訳): the accounts that moved the figure of one period, the largest
impact first, a page at a time, with each amount named and marked as money or not; the
same rows, all of them, for the Excel download.

Impact = the sum of the absolute amounts of a row (an account that both expanded and
contracted moved the figure by both), levels aside (MRR at the start and the end). An
account whose amounts are all zero or empty did not move it and is left out of the list
unless every account is asked for; the totals always cover every account."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.domain.money import minor_digits
from kasasu.metrics.amounts import LEVELS, amount_title, is_money
from kasasu.metrics.schemas import ExplainRow, Explanation, MetricAbout, MetricQuery
from kasasu.metrics.service import explain_metric, metric_about
from kasasu.warehouse.source import AnalyticsSource

PAGE = 100
IMPACT = "impact"


class AmountColumn(BaseModel):
    name: str
    title: str
    money: bool


class DrillRow(ExplainRow):
    impact: float


class DrillDown(BaseModel):
    metric: str
    title: str
    period: str
    value: float | None
    unit: str
    columns: list[AmountColumn]
    totals: dict[str, float | int]
    accounts: int = Field(description="Every account behind the figure")
    moved: int = Field(description="Those with a non-zero amount")
    listed: int = Field(description="The rows paged: the moved ones, or all asked for")
    everyone: bool = False
    rows: list[DrillRow] = Field(description="One page of the moved accounts")
    sort: str
    page: int
    page_size: int


def _impact(row: ExplainRow) -> float:
    return float(
        sum(
            abs(v) for k, v in row.amounts.items() if k not in LEVELS and isinstance(v, int | float)
        )
    )


def _ordered(rows: list[DrillRow], sort: str, names: list[str]) -> list[DrillRow]:
    key = sort.removeprefix("-")
    descending = sort.startswith("-") or sort == IMPACT
    if key == "name":
        return sorted(rows, key=lambda r: (r.name, r.account_id), reverse=descending)
    if key in names:
        known = [r for r in rows if r.amounts.get(key) is not None]
        blank = [r for r in rows if r.amounts.get(key) is None]
        known.sort(key=lambda r: (float(r.amounts[key] or 0), -r.account_id), reverse=descending)
        return known + blank  # unknown amounts last either way
    return sorted(rows, key=lambda r: (-r.impact, r.name, r.account_id))


def _moved(
    session: Session,
    name: str,
    month: date,
    *,
    query: MetricQuery,
    source: AnalyticsSource,
    locale: str,
    everyone: bool = False,
) -> tuple[MetricAbout, Explanation, list[DrillRow]]:
    about = metric_about(name, locale)
    explained = explain_metric(session, name, month, query, source)
    rows = [DrillRow(**r.model_dump(), impact=_impact(r)) for r in explained.rows]
    return about, explained, rows if everyone else [r for r in rows if r.impact]


def drill_down(
    session: Session,
    name: str,
    month: date,
    query: MetricQuery,
    source: AnalyticsSource,
    *,
    locale: str,
    sort: str = IMPACT,
    page: int = 1,
    everyone: bool = False,
) -> DrillDown:
    """One page of the accounts that moved the figure (``everyone``: of all behind it)."""
    about, explained, moved = _moved(
        session, name, month, query=query, source=source, locale=locale, everyone=everyone
    )
    names = list(explained.totals)
    pages = max(1, -(-len(moved) // PAGE))
    page = min(max(page, 1), pages)
    chosen = _ordered(moved, sort, names)[(page - 1) * PAGE : page * PAGE]
    return DrillDown(
        metric=name,
        title=about.title,
        period=explained.period,
        value=explained.value,
        unit=about.unit,
        columns=[
            AmountColumn(name=n, title=amount_title(n, locale), money=is_money(n, about.unit))
            for n in names
        ],
        totals=explained.totals,
        accounts=len(explained.rows),
        moved=sum(1 for r in moved if r.impact),
        listed=len(moved),
        everyone=everyone,
        rows=chosen,
        sort=sort,
        page=page,
        page_size=PAGE,
    )


def drill_down_sheet(
    session: Session,
    name: str,
    month: date,
    query: MetricQuery,
    source: AnalyticsSource,
    *,
    locale: str,
    headings: tuple[str, str],
) -> tuple[list[str], Iterator[list[Any]]]:
    """Every moved account, the largest impact first, as spreadsheet rows: name, id, then
    each amount (money in the currency's major units, ¥ or $, as a reader sums it), and a
    total row."""
    about, explained, moved = _moved(
        session, name, month, query=query, source=source, locale=locale
    )
    names = list(explained.totals)
    scale = {n: 10 ** minor_digits(query.currency) if is_money(n, about.unit) else 1 for n in names}
    header = [*headings, *(amount_title(n, locale) for n in names)]

    def shown(n: str, value: float | None) -> float | None:
        return None if value is None else value / scale[n] if scale[n] != 1 else value

    def rows() -> Iterator[list[Any]]:
        for r in _ordered(moved, IMPACT, names):
            yield [r.name, r.external_id, *(shown(n, r.amounts.get(n)) for n in names)]
        yield ["", "", *(shown(n, explained.totals[n]) for n in names)]

    return header, rows()
