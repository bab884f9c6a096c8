"""An Excel workbook of the customer success KPIs for a month and the 11 months before it.

Made for a CS leader to forward: a summary, one sheet per area with months as rows and KPIs
as columns, the cohort triangles, the churn reasons as a Pareto table and every definition,
all in the reader's language. Like every service it writes no file: it returns the bytes.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from babel.numbers import get_currency_symbol
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from sqlalchemy.orm import Session

from kasasu.analytics.catalog import all_metrics, find_metric
from kasasu.analytics.registry import Unit
from kasasu.domain.choices import CancellationReason
from kasasu.domain.money import minor_digits
from kasasu.domain.periods import Grain, add_months, periods
from kasasu.domain.reporting import Reporting
from kasasu.kit.choices import label
from kasasu.kit.i18n import Message, _
from kasasu.kit.spreadsheet import text_not_formulas
from kasasu.metrics.amounts import MOVEMENT_TITLES
from kasasu.metrics.pareto import churn_pareto
from kasasu.metrics.schemas import MetricQuery, MetricValue
from kasasu.metrics.service import compute_metrics
from kasasu.warehouse.source import FACTS_ONLY, AnalyticsSource

TREND_MONTHS = 12
BOLD = Font(bold=True)
Cell = tuple[object, str | None]  # a value and its Excel number format


@dataclass(frozen=True)
class Column:
    """One KPI column of an area sheet: a metric's value, or one part of its breakdown."""

    metric: str
    part: str | None = None
    title: Message | None = None  # default: the metric's title
    unit: Unit | None = None  # default: the metric's unit


def _plain(names: str) -> tuple[Column, ...]:
    return tuple(Column(n) for n in names.split())


_MOVEMENTS = tuple(
    Column("mrr_movements", part, MOVEMENT_TITLES[part])
    for part in ("start", "new", "reactivation", "expansion", "contraction", "churn")
)
_NPS = (
    Column("nps"),
    Column("nps", "ci_low", _("NPS, 95% interval low")),
    Column("nps", "ci_high", _("NPS, 95% interval high")),
    Column("nps", "n", _("NPS answers"), Unit.COUNT),
)
_REVENUE = (*_plain("mrr arr"), *_MOVEMENTS, *_plain("active_accounts arpa ltv_simple ltv_seed"))
_RETENTION = (
    "logo_churn_rate gross_mrr_churn_rate grr nrr grr_12m nrr_12m upsell_rate cross_sell_rate"
)
_SUPPORT = "tickets_opened tickets_resolved first_response_hours resolution_hours"
_COHORTS = (("cohort_logo_retention", Unit.COUNT), ("cohort_revenue_retention", Unit.MONEY))
_PARETO = (_("Reason"), _("Churned MRR"), _("Share"), _("Cumulative share"), _("Churned accounts"))
Builder = Callable[[Worksheet, "_Context"], None]


@dataclass(frozen=True)
class ExtraSheet:
    """A sheet a higher slice adds to the workbook (e.g. the renewal forecast): a note, then
    a table whose cells are values with their unit (None: text), in the workbook's formats."""

    title: Message
    note: Message
    headers: Sequence[Message]
    rows: Sequence[Sequence[tuple[object, Unit | None]]]

    def build(self, ws: Worksheet, ctx: _Context) -> None:
        ws.cell(1, 1, ctx.text(self.note))
        rows = [
            [(value, None) if unit is None else ctx.cell(value, unit) for value, unit in row]  # type: ignore[arg-type]
            for row in self.rows
        ]
        _table(ws, 3, [ctx.text(h) for h in self.headers], rows)
        ws.freeze_panes = "B4"
        _fit(ws, skip_rows={1})


def _sheets(extra: Sequence[ExtraSheet] = ()) -> list[tuple[Message, Builder]]:
    """The sheets in order: the summary, the areas as a CS review reads them, any extra
    sheets, the definitions."""
    return [
        (_("Summary"), _summary),
        (_("Revenue"), _trend(*_REVENUE)),
        (_("Retention"), _trend(*_plain(_RETENTION))),
        (_("Cohorts"), _cohorts),
        (_("Voice"), _trend(*_NPS, *_plain("csat ces loyal_customers"))),
        (_("Support"), _trend(*_plain(_SUPPORT))),
        (_("Usage"), _trend(*_plain("active_account_rate dau_mau time_to_value"))),
        (_("Churn reasons"), _reasons),
        *((sheet.title, sheet.build) for sheet in extra),
        (_("Definitions"), _definitions),
    ]


def sheet_names(locale: str, extra: Sequence[ExtraSheet] = ()) -> list[str]:
    """The workbook's sheets in order, in ``locale``."""
    return [title.render(locale) for title, _build in _sheets(extra)]


def number_formats(currency: str) -> dict[Unit, str]:
    """Excel number formats per unit; money is in major units, e.g. ¥#,##0 or $#,##0.00."""
    symbol = get_currency_symbol(currency, locale="en")
    # A one-character symbol is shown as is; longer ones (CA$, CHF) must be quoted for Excel.
    prefix = symbol if len(symbol) == 1 else f'"{symbol}"'
    digits = minor_digits(currency)
    decimals = "." + "0" * digits if digits else ""
    formats = dict.fromkeys((Unit.SCORE, Unit.DAYS, Unit.HOURS), "#,##0.0")
    return {
        **formats,
        Unit.MONEY: f"{prefix}#,##0{decimals}",
        Unit.RATE: "0.0%",
        Unit.COUNT: "#,##0",
    }


@dataclass(frozen=True)
class _Context:
    values: dict[tuple[str, str], MetricValue]
    months: list[str]  # labels, oldest first; the last is the report's period
    currency: str
    zone: str
    fiscal_year_start: int
    locale: str

    def text(self, message: Message) -> str:
        return message.render(self.locale)

    def cell(self, value: float | None, unit: Unit) -> Cell:
        if value is None:
            return None, None
        if unit is Unit.MONEY:
            digits = minor_digits(self.currency)
            value = value / 10**digits if digits else value
        return _stable(value), number_formats(self.currency)[unit]

    def column(self, column: Column, month: str) -> Cell:
        metric = find_metric(column.metric)
        found = self.values.get((column.metric, month))
        if metric is None or found is None:
            return None, None
        raw = found.value if column.part is None else (found.breakdown or {}).get(column.part)
        return self.cell(raw, column.unit or metric.unit)

    def title(self, column: Column) -> str:
        metric = find_metric(column.metric)
        if metric is None:
            return column.metric
        title = column.title or metric.title
        # Times have no number format that says their unit, so the header does.
        unit = column.unit or metric.unit
        if unit is Unit.HOURS:
            title = _("{title} (hours)", title=title)
        elif unit is Unit.DAYS:
            title = _("{title} (days)", title=title)
        return self.text(title)


def build_report(
    session: Session,
    period_month: date,
    reporting: Reporting,
    source: AnalyticsSource = FACTS_ONLY,
    extra: Sequence[ExtraSheet] = (),
) -> bytes:
    """The .xlsx bytes of every KPI for ``period_month`` and the 11 months before it, in
    ``reporting``'s currency, zone, fiscal year and language; ``extra`` sheets before the
    definitions."""
    last = period_month.replace(day=1)
    first = add_months(last, 1 - TREND_MONTHS)
    # No names: all, since the summary and the definitions show every KPI.
    query = MetricQuery.reported(reporting, (), first, last)
    found = compute_metrics(session, query, source)
    months = periods(first, last, Grain.MONTH, reporting.fiscal_year_start)
    ctx = _Context(
        values={(v.metric, v.period): v for v in found},
        months=[p.label for p in months],
        currency=reporting.currency,
        zone=reporting.zone,
        fiscal_year_start=reporting.fiscal_year_start,
        locale=reporting.locale,
    )
    book = Workbook()
    book.remove(book.active)  # the default empty sheet; ours are named
    for title, build in _sheets(extra):
        build(book.create_sheet(ctx.text(title)), ctx)
    # Stamped with the period's end, not the clock, so the same data gives the same file.
    end = add_months(last, 1)
    return _xlsx(book, datetime(end.year, end.month, 1))  # noqa: DTZ001 - openpyxl: naive is UTC


def _table(ws: Worksheet, top: int, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
    for col, header in enumerate(headers, 1):
        ws.cell(top, col, header).font = BOLD
    for r, row in enumerate(rows, top + 1):
        for col, (value, number_format) in enumerate(row, 1):
            target = ws.cell(r, col, value)
            if number_format:
                target.number_format = number_format


def _trend(*columns: Column) -> Builder:
    """A sheet of months as rows and ``columns`` as columns."""

    def build(ws: Worksheet, ctx: _Context) -> None:
        headers = [ctx.text(_("Month")), *(ctx.title(c) for c in columns)]
        rows = [[(m, None), *(ctx.column(c, m) for c in columns)] for m in ctx.months]
        _table(ws, 1, headers, rows)
        ws.freeze_panes = "B2"
        _fit(ws)

    return build


def _summary(ws: Worksheet, ctx: _Context) -> None:
    ws.cell(1, 1, ctx.text(_("Customer success KPIs"))).font = BOLD
    settings = [
        (_("Period"), ctx.months[-1]),
        (_("Months covered"), f"{ctx.months[0]} – {ctx.months[-1]}"),
        (_("Currency"), ctx.currency),
        (_("Time zone"), ctx.zone),
        (_("Fiscal year starts in month"), ctx.fiscal_year_start),
    ]
    for row, (name, value) in enumerate(settings, 2):
        ws.cell(row, 1, ctx.text(name)).font = BOLD
        ws.cell(row, 2, value)
    top = len(settings) + 3
    period, previous = ctx.months[-1], ctx.months[-2]
    rows = [
        [(ctx.text(m.title), None), *(ctx.column(Column(m.name), p) for p in (period, previous))]
        for m in all_metrics()
    ]
    _table(ws, top, [ctx.text(_("Metric")), period, previous], rows)
    ws.freeze_panes = f"A{top + 1}"
    _fit(ws, skip_rows={1})


def _cohorts(ws: Worksheet, ctx: _Context) -> None:
    """Each cohort matrix as a triangle: a row per first paid month, m0, m1, … as columns."""
    top = 1
    rate = number_formats(ctx.currency)[Unit.RATE]
    for name, base_unit in _COHORTS:
        metric = find_metric(name)
        assert metric is not None  # the registry defines both cohort KPIs
        ws.cell(top, 1, ctx.text(metric.title)).font = BOLD
        base = _("Accounts at month 0") if base_unit is Unit.COUNT else _("MRR at month 0")
        ks = range(TREND_MONTHS)
        headers = [ctx.text(_("Cohort")), ctx.text(base), *(f"m{k}" for k in ks)]
        rows: list[list[Cell]] = []
        for month in ctx.months:
            found = ctx.values.get((name, month))
            parts = (found.breakdown if found else None) or {}
            base_cell = ctx.cell(found.denominator if found else None, base_unit)
            rows.append([(month, None), base_cell, *(_share(parts.get(f"m{k}"), rate) for k in ks)])
        _table(ws, top + 1, headers, rows)
        top += len(rows) + 3
    ws.freeze_panes = "B3"
    _fit(ws, skip_rows={1, TREND_MONTHS + 4})


def _share(value: float | None, rate: str) -> Cell:
    return (None, None) if value is None else (_stable(value), rate)


def _stable(value: float) -> float | int:
    # DuckDB sums floats in parallel, so the last digits of a mean vary between runs; 12
    # significant digits are far more than a cell shows and make two runs give the same cells.
    return int(value) if float(value).is_integer() else float(f"{value:.12g}")


def _reasons(ws: Worksheet, ctx: _Context) -> None:
    """The period's churn by reason, largest churned MRR first, with the cumulative share."""
    period = ctx.months[-1]
    mrr = _parts(ctx, "churn_by_reason", period)
    logos = _parts(ctx, "churned_logos_by_reason", period)
    rows = [
        _pareto_row(
            ctx, label(CancellationReason(p.reason)), (p.mrr, p.cumulative, p.logos), p.share
        )
        for p in churn_pareto(mrr, logos)
    ]
    total = sum(mrr.values())
    share_of_all = 1.0 if total else None
    rows.append(_pareto_row(ctx, _("Total"), (total, None, sum(logos.values())), share_of_all))
    ws.cell(1, 1, period).font = BOLD
    _table(ws, 2, [ctx.text(h) for h in _PARETO], rows)
    ws.freeze_panes = "A3"
    _fit(ws)


def _pareto_row(
    ctx: _Context,
    name: Message,
    amounts: tuple[float, float | None, float],
    share: float | None = None,
) -> list[Cell]:
    """Reason, churned MRR, its share, the cumulative share (none on the total), accounts."""
    mrr, cumulative, logos = amounts
    rate = number_formats(ctx.currency)[Unit.RATE]
    return [
        (ctx.text(name), None),
        ctx.cell(mrr, Unit.MONEY),
        _share(share, rate),
        _share(cumulative, rate),
        ctx.cell(logos, Unit.COUNT),
    ]


def _parts(ctx: _Context, name: str, period: str) -> dict[str, float]:
    found = ctx.values.get((name, period))
    return {k: float(v or 0) for k, v in ((found.breakdown if found else None) or {}).items()}


def _definitions(ws: Worksheet, ctx: _Context) -> None:
    rows: list[list[Cell]] = [
        [(ctx.text(m.title), None), (m.name, None), (ctx.text(m.definition), None)]
        for m in all_metrics()
    ]
    _table(ws, 1, [ctx.text(_("Metric")), ctx.text(_("ID")), ctx.text(_("Definition"))], rows)
    ws.freeze_panes = "A2"
    _fit(ws)
    ws.column_dimensions["C"].width = 100
    for (cell,) in ws.iter_rows(min_row=2, min_col=3, max_col=3):
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _fit(ws: Worksheet, skip_rows: set[int] | None = None, widest: int = 40) -> None:
    """Column widths from the longest value; titles spanning columns are left out."""
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.row not in (skip_rows or set()) and cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _width(cell.value))
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), widest)


def _width(value: object) -> int:
    if isinstance(value, int | float):
        return len(f"{value:,.2f}")
    # Full-width (Japanese) characters take two columns.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(value))


def _xlsx(book: Workbook, stamp: datetime) -> bytes:
    text_not_formulas(book)  # comments and names are the customers' words, not formulas
    book.properties.creator = "Kasasu"
    book.properties.created = book.properties.modified = stamp
    raw = io.BytesIO()
    # openpyxl's save() stamps the clock into "modified"; its writer alone keeps our stamp.
    ExcelWriter(book, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    # The zip entries carry the clock too: rewrite them with the same fixed time.
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, stamp.timetuple()[:6])
            target.writestr(entry, source.read(info), zipfile.ZIP_DEFLATED)
    return out.getvalue()
