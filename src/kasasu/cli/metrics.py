"""``kasasu metrics``: KPIs by period as a table, JSON or CSV; ``metrics explain`` traces one."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, cast, get_args

import typer
from rich.table import Table

from kasasu.cli.common import console, err_console, fail, session_scope, settings, t
from kasasu.domain.dates import today_in
from kasasu.domain.money import format_money
from kasasu.domain.periods import Grain, parse_month
from kasasu.errors import InvalidInput
from kasasu.kit.i18n import N_, _
from kasasu.metrics.schemas import Explanation, MetricQuery, MetricValue, MissingRates
from kasasu.metrics.service import compute_metrics, explain_metric, missing_rates
from kasasu.warehouse.source import AnalyticsSource, Engine


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"


def _month(text: str | None, default: date) -> date:
    return parse_month(text) if text else default


def metrics_command(
    names: Annotated[
        list[str] | None,
        typer.Argument(help=N_("KPI names (all when omitted), or: explain NAME")),
    ] = None,
    first: Annotated[
        str | None, typer.Option("--from", help=N_("First month, e.g. 2025-04"))
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help=N_("Last month, e.g. 2026-03"))] = None,
    period: Annotated[
        str | None, typer.Option(help=N_("The month to explain (with explain)"))
    ] = None,
    by: Annotated[Grain, typer.Option(help=N_("month, quarter or fiscal-year"))] = Grain.MONTH,
    output: Annotated[
        Format, typer.Option("--format", help=N_("table, json or csv"))
    ] = Format.TABLE,
    plan: Annotated[str | None, typer.Option(help=N_("Only accounts on this plan"))] = None,
    tier: Annotated[str | None, typer.Option(help=N_("Only accounts of this tier/segment"))] = None,
    touch_model: Annotated[
        str | None, typer.Option(help=N_("Only accounts of this touch model"))
    ] = None,
    owner: Annotated[
        int | None, typer.Option(help=N_("Only accounts of this owner (user id)"))
    ] = None,
    industry: Annotated[str | None, typer.Option(help=N_("Only accounts of this industry"))] = None,
    engine: Annotated[
        str,
        typer.Option(
            help=N_(
                "duckdb (embedded), postgres (in place) or spark (the KASASU_ANALYTICS_* "
                "settings: the master, the Parquet events or the warehouse export)"
            )
        ),
    ] = "duckdb",
    allow_missing_rates: Annotated[
        bool,
        typer.Option(
            "--allow-missing-rates",
            help=N_("Show the KPIs even if some MRR has no exchange rate (it is left out)"),
        ),
    ] = False,
) -> None:
    config = settings()
    today = date.today().replace(day=1)  # noqa: DTZ011 - a default month, not an instant
    chosen = list(names or [])
    explain = bool(chosen) and chosen[0] == "explain"
    query = MetricQuery(
        names=tuple(chosen[1:] if explain else chosen),
        first_month=_month(first, today),
        last_month=_month(last or first, today),
        grain=by,
        fiscal_year_start=config.fiscal_year_start,
        currency=config.currency,
        zone=config.timezone,
        gross_margin=config.gross_margin,
        as_of=today_in(config.timezone),  # cohorts (the funnel) as they stand today
        filters={
            "plan": plan,
            "tier": tier,
            "touch_model": touch_model,
            "owner_id": owner,
            "industry": industry,
        },
    )
    source = _source(engine, config.analytics(), config.events_path, config.analytics_events)
    # The spinner goes to stderr, so JSON and CSV on stdout stay clean.
    status = err_console.status(t("Computing the KPIs…"))
    with status, session_scope() as session:
        if explain:
            if len(query.names) != 1 or period is None:
                raise InvalidInput(_("Write: kasasu metrics explain NAME --period YYYY-MM"))
            result = explain_metric(session, query.names[0], parse_month(period), query, source)
        else:
            values = compute_metrics(session, query, source)
    if explain:
        missing = missing_rates([result], config.currency)
    else:
        missing = missing_rates(values, config.currency)
    _check_rates(missing, allow=allow_missing_rates)
    if explain:
        _print_explanation(result, output)
    else:
        _print_values(values, output, config.locale)
    if missing is not None:
        err_console.print(f"[yellow]![/] {missing.message().render(config.locale)}")


def _source(
    engine: str, configured: AnalyticsSource, store: Path | None, lake: Path | None
) -> AnalyticsSource:
    """The engine asked for, with this deployment's analytics settings (``configured``) when
    they name it: a PostgreSQL replica; the Spark master, its Parquet events (``lake``) or
    warehouse export. Otherwise DuckDB and PostgreSQL read the event store (``store``)."""
    if engine not in get_args(Engine):
        raise InvalidInput(_("Unknown engine {name}", name=engine))
    if engine == configured.engine:
        return configured
    if engine == "spark":
        return AnalyticsSource(engine="spark", events_path=lake)
    return AnalyticsSource(engine=cast(Engine, engine), events_path=store)


def _check_rates(missing: MissingRates | None, *, allow: bool) -> None:
    """Refuse figures that leave out MRR for want of a rate, unless allowed."""
    if missing is None or allow:
        return
    refused = fail(InvalidInput(missing.message()))
    err_console.print(
        t(
            "Load the rates with 'kasasu import exchange-rates FILE' (or POST "
            "/api/v1/exchange-rates), or pass --allow-missing-rates to show the KPIs without "
            "that MRR."
        ),
        highlight=False,
    )
    raise refused


def _shown(value: float | None, unit: str, currency: str | None, locale: str) -> str:
    if value is None:
        return "—"
    if unit == "money" and currency:
        return format_money(value, currency, locale)
    if unit == "rate":
        return f"{value * 100:.1f}%"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def _print_values(values: list[MetricValue], output: Format, locale: str) -> None:
    if output is Format.JSON:
        typer.echo(
            json.dumps([v.model_dump(mode="json") for v in values], ensure_ascii=False, indent=2)
        )
        return
    if output is Format.CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            ["metric", "period", "value", "numerator", "denominator", "unit", "currency"]
        )
        for v in values:
            writer.writerow(
                [v.metric, v.period, v.value, v.numerator, v.denominator, v.unit, v.currency or ""]
            )
        typer.echo(buffer.getvalue(), nl=False)
        return
    table = Table(t("Metric"), t("Period"), t("Value"), t("Numerator"), t("Denominator"))
    for v in values:
        table.add_row(
            v.metric,
            v.period,
            _shown(v.value, v.unit, v.currency, locale),
            "" if v.numerator is None else f"{v.numerator:,.0f}",
            "" if v.denominator is None else f"{v.denominator:,.0f}",
        )
    console.print(table)


def _print_explanation(result: Explanation, output: Format) -> None:
    if output is Format.JSON:
        typer.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    names = list(result.totals)
    table = Table(t("Account"), t("Name"), *names, title=f"{result.metric} {result.period}")
    for row in result.rows:
        table.add_row(row.external_id, row.name, *(f"{row.amounts[n] or 0:,.0f}" for n in names))
    table.add_row(t("Total"), "", *(f"{result.totals[n]:,.0f}" for n in names))
    console.print(table)
    shown = "—" if result.value is None else f"{result.value:,.4f}".rstrip("0").rstrip(".")
    console.print(
        t("{metric} for {period}: {value}", metric=result.metric, period=result.period, value=shown)
    )
