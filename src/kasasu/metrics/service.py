"""Compute KPIs for periods and explain a figure by the accounts behind it.

The analytics registry defines every KPI as an Ibis expression; this service gathers the
facts (a DuckDB copy of the operational tables, or PostgreSQL read in place), builds the
inputs and turns the rows into :class:`MetricValue`. It never writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from kasasu.analytics import revenue
from kasasu.analytics.catalog import all_metrics, find_metric
from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.registry import Inputs, Metric, Unit
from kasasu.analytics.sources import ACCOUNT_IDS, Sources
from kasasu.domain import mrr
from kasasu.domain.periods import Grain, Period, periods
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.metrics import repository
from kasasu.metrics.schemas import (
    ExplainRow,
    Explanation,
    MetricAbout,
    MetricQuery,
    MetricValue,
    MissingRates,
)
from kasasu.warehouse import backends
from kasasu.warehouse.source import FACTS_ONLY, AnalyticsSource, Engine

_STANDARD = ("period", "value", "numerator", "denominator")


def metric_title(name: str, locale: str) -> str:
    """The KPI's title in ``locale``, or ``name`` for an unknown one."""
    metric = find_metric(name)
    return metric.title.render(locale) if metric else name


def metric_about(name: str, locale: str) -> MetricAbout:
    """A KPI as its page introduces it: title, definition, unit, and whether accounts
    explain it; NotFound for an unknown name."""
    metric = find_metric(name)
    if metric is None:
        raise NotFound(_("No KPI named {name}", name=name))
    return MetricAbout(
        name=name,
        title=metric.title.render(locale),
        definition=metric.definition.render(locale),
        unit=metric.unit.value,
        explainable=metric.explain is not None,
    )


def metrics_about(locale: str) -> list[MetricAbout]:
    """Every KPI of the registry, in its order."""
    return [metric_about(m.name, locale) for m in all_metrics()]


def metric_names() -> list[str]:
    return [m.name for m in all_metrics()]


def _metrics(names: tuple[str, ...]) -> list[Metric]:
    chosen = names or tuple(metric_names())
    unknown = [n for n in chosen if find_metric(n) is None]
    if unknown:
        raise InvalidInput(
            _(
                "Unknown metric {names}; known: {known}",
                names=", ".join(unknown),
                known=", ".join(metric_names()),
            ),
            [FieldError(("metric",), _("Unknown metric"), n) for n in unknown],
        )
    return [m for n in chosen if (m := find_metric(n)) is not None]


def currency_scales(session: Session, currency: str, first_day: Any) -> dict[str, float]:
    """Minor-unit factors per foreign currency, after checking every needed rate exists (the
    health refresh's check; the KPIs instead report the MRR missing a rate, see
    ``missing_rates``).

    A foreign contract needs a rate on or before the first boundary at which it can count:
    the later of the first day looked at and its currency's first contract start.
    """
    used, first_rate = repository.currencies_and_rates(session, currency)
    foreign = sorted(set(used) - {currency})
    missing = [c for c in foreign if c not in first_rate or first_rate[c] > max(first_day, used[c])]
    if missing:
        raise InvalidInput(
            _(
                "No exchange rate to {currency} on or before {day} for {codes}",
                currency=currency,
                day=str(first_day),
                codes=", ".join(missing),
            )
        )
    return mrr.currency_scales(foreign, currency)


def _inputs(
    session: Session,
    query: MetricQuery,
    backend: Any,
    engine: Engine,
    span: list[Period],
    *,
    share: bool = True,
) -> Inputs:
    # Every foreign currency of a contract gets its scale; a line with no rate on a day has
    # no MRR that day, and ``_missing_rates`` reports it with the figures.
    used, _first = repository.currencies_and_rates(session, query.currency)
    scales = mrr.currency_scales(used, query.currency)
    # Usage events live in the DuckDB event store; the PostgreSQL engine cannot join them.
    events = backends.usage_events(backend, engine)
    sources = Sources.from_backend(backend, events).filtered(query.filters)
    return Inputs(
        sources,
        span,
        query.currency,
        query.zone,
        scales,
        query.gross_margin,
        loyal_bands=query.loyal_bands,
        share=share,
        as_of=query.as_of,
    )


def compute_metrics(
    session: Session,
    query: MetricQuery,
    source: AnalyticsSource = FACTS_ONLY,
) -> list[MetricValue]:
    chosen = _metrics(query.names)
    span = periods(query.first_month, query.last_month, query.grain, query.fiscal_year_start)
    bounds = {p.label: p for p in span}
    with backends.analytics_backend(session, source) as backend:
        inputs = _inputs(session, query, backend, source.engine, span, share=len(chosen) > 1)
        missing = _missing_rates(inputs, span)
        return [
            _value(metric, row, bounds[row["period"]], query.currency).model_copy(
                update={"missing_rates": missing.get(row["period"], {})}
            )
            for metric, rows in evaluate_metrics(inputs, chosen)
            for row in rows
        ]


def compute_metrics_by_group(
    session: Session,
    query: MetricQuery,
    groups: Mapping[str, Collection[int]],
    source: AnalyticsSource = FACTS_ONLY,
) -> dict[str, list[MetricValue]]:
    """``query``'s KPIs for each group of accounts (by its ids), over one copy of the facts:
    the same definitions as the KPI pages, for cohorts a slice chooses (e.g. the accounts
    that attended a webinar against the others of their segment)."""
    chosen = _metrics(query.names)
    span = periods(query.first_month, query.last_month, query.grain, query.fiscal_year_start)
    bounds = {p.label: p for p in span}
    found: dict[str, list[MetricValue]] = {}
    with backends.analytics_backend(session, source) as backend:
        for key, ids in groups.items():
            asked = replace(query, filters={**query.filters, ACCOUNT_IDS: sorted(ids)})
            inputs = _inputs(session, asked, backend, source.engine, span, share=len(chosen) > 1)
            found[key] = [
                _value(metric, row, bounds[row["period"]], query.currency)
                for metric, rows in evaluate_metrics(inputs, chosen)
                for row in rows
            ]
    return found


@contextmanager
def inputs_for(
    session: Session,
    query: MetricQuery,
    source: AnalyticsSource = FACTS_ONLY,
) -> Iterator[Inputs]:
    """The inputs of ``query``'s KPIs over one copy of the facts, for a slice that builds
    its own expression from the KPIs' parts (e.g. a score for many groups at once)."""
    span = periods(query.first_month, query.last_month, query.grain, query.fiscal_year_start)
    with backends.analytics_backend(session, source) as backend:
        yield _inputs(session, query, backend, source.engine, span)


def _missing_rates(inputs: Inputs, span: list[Period]) -> dict[str, dict[str, int]]:
    """Per period label: the MRR without a rate on its start or last day, per currency (the
    larger of the two), in minor units of that currency. Nothing to look at without a
    foreign currency."""
    if not inputs.scales:
        return {}
    days = revenue.at_boundaries({d for p in span for d in (p.start, p.end)})
    table = revenue.missing_rates(inputs.sources, days, inputs.currency, inputs.scales)
    by_day: dict[Any, dict[str, int]] = defaultdict(dict)
    for row in evaluate(table).to_pylist():
        if row["mrr"]:
            by_day[row["at"]][row["currency"]] = int(row["mrr"])
    found: dict[str, dict[str, int]] = {}
    for p in span:
        for day in (p.start, p.end):
            for code, amount in by_day.get(day, {}).items():
                shown = found.setdefault(p.label, {})
                shown[code] = max(shown.get(code, 0), amount)
    return found


def missing_rates(
    values: Iterable[MetricValue | Explanation], currency: str
) -> MissingRates | None:
    """What the figures (or an explanation) left out for want of an exchange rate, or None:
    per currency the largest amount in a period, and the periods concerned."""
    amounts: dict[str, int] = {}
    found: list[str] = []
    for value in values:
        for code, amount in value.missing_rates.items():
            amounts[code] = max(amounts.get(code, 0), amount)
        if value.missing_rates and value.period not in found:
            found.append(value.period)
    return MissingRates(currency, amounts, tuple(found)) if amounts else None


def evaluate_metrics(
    inputs: Inputs, metrics: list[Metric]
) -> list[tuple[Metric, list[dict[str, Any]]]]:
    """Each metric's rows in period order, all from the same ``inputs``."""
    results = []
    for metric in metrics:
        rows = evaluate(metric.compute(inputs).order_by("period")).to_pylist()
        results.append((metric, metric.finish(inputs, rows) if metric.finish else rows))
    return results


def _value(metric: Metric, row: dict[str, Any], period: Period, currency: str) -> MetricValue:
    return MetricValue(
        metric=metric.name,
        period=period.label,
        start=period.start,
        end=period.end,
        unit=metric.unit.value,
        currency=currency if metric.unit is Unit.MONEY else None,
        value=row["value"],
        numerator=row["numerator"],
        denominator=row["denominator"],
        breakdown=_breakdown(metric, row),
    )


def _breakdown(metric: Metric, row: dict[str, Any]) -> dict[str, int | float | None] | None:
    parts = [(k, _number(v)) for k, v in row.items() if k not in _STANDARD]
    if metric.pareto:  # largest first; the sort is stable, so ties keep the registry's order
        parts.sort(key=lambda kv: -(kv[1] or 0))
    return dict(parts) or None


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def explain_metric(
    session: Session,
    name: str,
    period_month: Any,
    query: MetricQuery,
    source: AnalyticsSource = FACTS_ONLY,
) -> Explanation:
    """The accounts behind one KPI in one period, with their amounts, and the figure itself."""
    metric, _explain = _explainable(name)  # refused before the facts are copied
    span = periods(period_month, period_month, query.grain, query.fiscal_year_start)
    with backends.analytics_backend(session, source) as backend:
        inputs = _inputs(session, query, backend, source.engine, span)
        missing = _missing_rates(inputs, span).get(span[0].label, {})
        [(_metric, [figure])] = evaluate_metrics(inputs, [metric])
        amount_names, found = explained(inputs, name)
    rows = [row for _period, row in found]
    return Explanation(
        metric=name,
        period=span[0].label,
        value=figure["value"],
        rows=rows,
        totals={k: sum(r.amounts[k] or 0 for r in rows) for k in amount_names},
        missing_rates=missing,
    )


def _explainable(name: str) -> tuple[Metric, Callable[[Inputs], Any]]:
    """The KPI ``name`` and its explanation, refused when no accounts explain it."""
    [metric] = _metrics((name,))
    if metric.explain is None:
        raise InvalidInput(_("{name} cannot be explained by accounts", name=name))
    return metric, metric.explain


def explained(inputs: Inputs, name: str) -> tuple[list[str], list[tuple[str, ExplainRow]]]:
    """The accounts behind ``metric`` in every period of ``inputs``: the names of the amounts
    (e.g. ``amount`` and one per reason), and (period label, account and its amounts) by
    period then account. One query for all the periods."""
    _metric, explain = _explainable(name)
    detail = explain(inputs)
    accounts = inputs.sources.accounts.select(
        account_id="id", external_id="external_id", account_name="name"
    )
    joined = detail.join(accounts, "account_id").order_by(["period", "account_id"])
    amount_names = [c for c in detail.columns if c not in ("period", "account_id")]
    return amount_names, [
        (
            r["period"],
            ExplainRow(
                account_id=r["account_id"],
                external_id=r["external_id"],
                name=r["account_name"],
                amounts={k: r[k] for k in amount_names},
            ),
        )
        for r in evaluate(joined).to_pylist()
    ]


__all__ = [
    "Grain",
    "compute_metrics",
    "currency_scales",
    "evaluate_metrics",
    "explain_metric",
    "metric_names",
    "missing_rates",
]
