"""A KPI's drill-down (内訳): the accounts that moved the figure of one period, the largest
impact first, a page at a time, with each amount named and marked as money or not; the
same rows, all of them, for the Excel download.

Impact = the sum of the absolute amounts of a row (an account that both expanded and
contracted moved the figure by both), levels aside (MRR at the start and the end). An
account whose amounts are all zero or empty did not move it and is left out of the list
unless every account is asked for; the totals always cover every account.

The rows are computed once per KPI, period, choice and state of the facts (workspace.memo;
like the KPI pages, usage events count as of the latest refresh), then sorted and paged
from the store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.domain.money import minor_digits
from kasasu.metrics.amounts import LEVELS, amount_title, is_money
from kasasu.metrics.schemas import ExplainRow, MetricAbout, MetricQuery
from kasasu.metrics.service import explain_metric, metric_about
from kasasu.warehouse.facts import FACT_TABLES
from kasasu.warehouse.source import AnalyticsSource
from kasasu.workspace.memo import Recalled, recall

PAGE = 100
IMPACT = "impact"


class AmountColumn(BaseModel):
    name: str
    title: str
    money: bool


class DrillRow(ExplainRow):
    impact: float


class DrillBase(BaseModel):
    """What a drill-down is made of, before sorting and paging: kept between requests. A
    row is [account id, external id, name, impact, *amounts in the order of ``totals``]:
    plain lists, so that reading 20,000 of them back costs no validation per row."""

    about: MetricAbout
    period: str
    value: float | None
    totals: dict[str, float | int]
    accounts: int = Field(description="Every account behind the figure")
    moved: int = Field(description="Those with a non-zero amount")
    everyone: bool
    rows: list[list[Any]] = Field(description="The moved accounts, or (everyone) all of them")

    def row(self, values: list[Any]) -> DrillRow:
        account_id, external_id, name, impact, *amounts = values
        return DrillRow(
            account_id=account_id,
            external_id=external_id,
            name=name,
            impact=impact,
            amounts=dict(zip(self.totals, amounts, strict=True)),
        )


class DrillDown(BaseModel):
    metric: str
    title: str
    period: str
    value: float | None
    unit: str
    columns: list[AmountColumn]
    totals: dict[str, float | int]
    accounts: int
    moved: int
    listed: int = Field(description="The rows paged: the moved ones, or all asked for")
    everyone: bool
    rows: list[DrillRow] = Field(description="One page")
    sort: str
    page: int
    page_size: int


def _impact(row: ExplainRow) -> float:
    return float(
        sum(
            abs(v) for k, v in row.amounts.items() if k not in LEVELS and isinstance(v, int | float)
        )
    )


def _ordered(base: DrillBase, sort: str) -> list[list[Any]]:
    """The rows in the order asked: by name, by one amount (empty ones last either way),
    else by impact (largest first, then name)."""
    key = sort.removeprefix("-")
    descending = sort.startswith("-") or sort == IMPACT
    rows = base.rows
    if key == "name":
        return sorted(rows, key=lambda r: (r[2], r[0]), reverse=descending)
    names = list(base.totals)
    if key in names:
        at = 4 + names.index(key)
        known = sorted(
            (r for r in rows if r[at] is not None),
            key=lambda r: (float(r[at]), -r[0]),
            reverse=descending,
        )
        return known + [r for r in rows if r[at] is None]
    return sorted(rows, key=lambda r: (-r[3], r[2], r[0]))


def drill_base(
    session: Session,
    name: str,
    month: date,
    *,
    query: MetricQuery,
    source: AnalyticsSource,
    locale: str,
    everyone: bool = False,
) -> Recalled[DrillBase]:
    """The accounts behind the KPI ``name`` in the period holding ``month``."""

    def compute() -> DrillBase:
        about = metric_about(name, locale)  # an unknown KPI: not found
        explained = explain_metric(session, name, month, query, source)
        names = list(explained.totals)
        rows = [
            [r.account_id, r.external_id, r.name, _impact(r), *(r.amounts.get(n) for n in names)]
            for r in explained.rows
        ]
        moved = [r for r in rows if r[3]]
        return DrillBase(
            about=about,
            period=explained.period,
            value=explained.value,
            totals=explained.totals,
            accounts=len(rows),
            moved=len(moved),
            everyone=everyone,
            rows=rows if everyone else moved,
        )

    params = {"name": name, "month": month, "query": query, "locale": locale, "all": everyone}
    return recall(
        session, "drill-down", params, tables=FACT_TABLES, compute=compute, kind=DrillBase
    )


def drill_page(base: DrillBase, locale: str, *, sort: str = IMPACT, page: int = 1) -> DrillDown:
    """One page of ``base``'s rows in the order asked."""
    names = list(base.totals)
    pages = max(1, -(-len(base.rows) // PAGE))
    page = min(max(page, 1), pages)
    unit = base.about.unit
    return DrillDown(
        metric=base.about.name,
        title=base.about.title,
        period=base.period,
        value=base.value,
        unit=unit,
        columns=[
            AmountColumn(name=n, title=amount_title(n, locale), money=is_money(n, unit))
            for n in names
        ],
        totals=base.totals,
        accounts=base.accounts,
        moved=base.moved,
        listed=len(base.rows),
        everyone=base.everyone,
        rows=[base.row(r) for r in _ordered(base, sort)[(page - 1) * PAGE : page * PAGE]],
        sort=sort,
        page=page,
        page_size=PAGE,
    )


def drill_sheet(
    base: DrillBase, currency: str, locale: str, headings: tuple[str, str]
) -> tuple[list[str], Iterator[list[Any]]]:
    """Every row of ``base``, the largest impact first, as spreadsheet rows: name, id, then
    each amount (money in the currency's major units, ¥ or $, as a reader sums it), and a
    total row over every account."""
    names = list(base.totals)
    scale = {n: 10 ** minor_digits(currency) if is_money(n, base.about.unit) else 1 for n in names}
    header = [*headings, *(amount_title(n, locale) for n in names)]

    def shown(n: str, value: float | None) -> float | None:
        return None if value is None else value / scale[n] if scale[n] != 1 else value

    def rows() -> Iterator[list[Any]]:
        for _id, external_id, name, _impact, *amounts in _ordered(base, IMPACT):
            yield [name, external_id, *(shown(n, v) for n, v in zip(names, amounts, strict=True))]
        yield ["", "", *(shown(n, base.totals[n]) for n in names)]

    return header, rows()
