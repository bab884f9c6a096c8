"""Metrics engine speed, as run by ``make bench``.

Generates a deterministic company (numpy seed 42): 20,000 accounts and 100,000 contract lines
started over 36 months, with tickets, survey answers and onboarding milestones, as Arrow
tables with the schemas of ``kasasu.warehouse.facts.fact_schema``, loaded into an
in-memory Ibis DuckDB backend: what the embedded engine evaluates. Copying the facts out of
the operational database is NOT timed here (it is a separate step of the service).

Measures, in one run, for 24 monthly periods (median of 3 each):
  (a) every KPI of ``all_metrics()``, through the service's own path
      (``Inputs`` + ``evaluate`` per metric, ``kasasu.metrics.service.evaluate_metrics``);
  (b) the ``mrr_movements`` KPI alone, through the same path;
  (c) a hand-written DuckDB SQL query for the same movements, on the same connection;
  (d) the two usage KPIs (active account rate, DAU/MAU) with 10M usage events over the year
      before 2026-11-01 (``health.write_events``, stored in time order) attached: what the
      daily refresh spent most of its time on when it computed the KPI pages ahead.
(b) and (c) must give identical numbers (asserted). Targets (issue): (a) <= 3 s;
(b) <= 1.5x (c).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pyarrow as pa

from kasasu.analytics.catalog import all_metrics, find_metric
from kasasu.analytics.registry import Inputs, Metric
from kasasu.analytics.sources import Sources
from kasasu.domain.choices import CancellationReason
from kasasu.domain.dates import local_midnight
from kasasu.domain.periods import Grain, Period, periods
from kasasu.metrics.service import evaluate_metrics
from kasasu.models import (
    Account,
    ExchangeRate,
    HealthScore,
    Milestone,
    Subscription,
    SurveyResponse,
    Ticket,
)
from kasasu.warehouse.facts import fact_schema

SEED = 42
ACCOUNTS = 20_000
SUBSCRIPTIONS = 100_000
TICKETS = 100_000
ANSWERS = 60_000
ROUNDS = 3
ZONE = "Asia/Tokyo"
CURRENCY = "JPY"
DATA_START = date(2023, 12, 1)  # contracts start over the 36 months from here
AS_OF = date(2026, 12, 1)  # nothing happens on or after this day
FIRST_MONTH, LAST_MONTH = date(2024, 12, 1), date(2026, 11, 1)  # the 24 reported months
TARGET_ALL_SECONDS = 3.0
TARGET_RATIO = 1.5
MOVEMENTS = ("start", "new", "reactivation", "expansion", "contraction", "churn", "end")


@dataclass(frozen=True)
class Size:
    """How many rows of each fact; this benchmark's own by default, larger for scale.py."""

    accounts: int = ACCOUNTS
    subscriptions: int = SUBSCRIPTIONS
    tickets: int = TICKETS
    answers: int = ANSWERS

    @classmethod
    def of(cls, accounts: int, subscriptions: int) -> Size:
        """Tickets and survey answers in the same proportion to the accounts as here."""
        return cls(
            accounts, subscriptions, TICKETS * accounts // ACCOUNTS, ANSWERS * accounts // ACCOUNTS
        )


DEFAULT = Size()

PRODUCTS = np.array(["Core", "Analytics", "Automation", "Support+", "API"])
PRODUCT_P = [0.45, 0.2, 0.15, 0.12, 0.08]
UNIT_PRICE = np.array([3_000, 4_500, 6_000, 1_500, 9_800])  # yen per seat per month
INTERVALS = np.array(["month", "quarter", "year"])
INTERVAL_MONTHS = np.array([1, 3, 12])
REASONS = np.array([r.value for r in CancellationReason])
DAYS = (AS_OF - DATA_START).days
EPOCH = np.datetime64(DATA_START, "D")


def _dates(offsets: np.ndarray, present: np.ndarray | None = None) -> pa.Array:
    days = EPOCH + offsets.astype("timedelta64[D]")
    return pa.array(days, pa.date32(), mask=None if present is None else ~present)


def _instants(seconds: np.ndarray, present: np.ndarray | None = None) -> pa.Array:
    start = int(local_midnight(DATA_START, ZONE).timestamp())
    micros = (start + seconds.astype(np.int64)) * 1_000_000
    mask = None if present is None else ~present
    return pa.array(micros, pa.timestamp("us", tz="UTC"), mask=mask)


def _table(model: type[Any], columns: dict[str, Any]) -> pa.Table:
    schema = fact_schema(model)
    return pa.table({f.name: pa.array(columns[f.name], f.type) for f in schema}, schema=schema)


def accounts(rng: np.random.Generator, size: Size = DEFAULT) -> pa.Table:
    n = size.accounts
    ids = np.arange(1, n + 1)
    return _table(
        Account,
        {
            "id": ids,
            "external_id": [f"ACC-{i:06d}" for i in ids],
            "name": [f"Company {i}" for i in ids],
            "plan": np.array(["starter", "growth", "enterprise"])[rng.integers(0, 3, n)],
            "tier": np.array(["smb", "mid", "ent"])[rng.integers(0, 3, n)],
            "touch_model": np.array(["high", "low", "tech"])[rng.integers(0, 3, n)],
            "owner_id": rng.integers(1, 30, n),
            "industry": np.array(["saas", "retail", "finance", "maker"])[rng.integers(0, 4, n)],
            "lifecycle_stage": np.array(["adoption", "expansion", "renewal"])[
                rng.integers(0, 3, n)
            ],
            "created_at": _instants(rng.integers(0, DAYS * 86_400, n)),
        },
    )


def subscriptions(rng: np.random.Generator, size: Size = DEFAULT) -> pa.Table:
    """Contract lines: ~2% cancel per month; 70% renew by themselves (past their end date)."""
    n = size.subscriptions
    product = rng.choice(len(PRODUCTS), n, p=PRODUCT_P)
    interval = rng.choice(3, n, p=[0.55, 0.15, 0.30])
    months = INTERVAL_MONTHS[interval]
    seats = rng.integers(1, 51, n)
    monthly = seats * UNIT_PRICE[product]
    # Discounts for longer terms make amounts that do not divide by the months: rounding counts.
    discount = np.array([1.0, 0.97, 0.9])[interval]
    amount = np.floor(monthly * months * discount).astype(np.int64)
    trial = rng.random(n) < 0.03
    amount[rng.random(n) < 0.01] = 0  # free plans bring no MRR either
    start = rng.integers(0, DAYS, n)
    terms = np.where(interval == 0, rng.integers(1, 13, n), rng.integers(1, 3, n))
    end = start + np.round(months * terms * 30.44).astype(np.int64)
    auto_renew = rng.random(n) < 0.7
    cancel = (
        start + np.round(rng.geometric(0.02, n) * 30.44).astype(np.int64) - rng.integers(0, 30, n)
    )
    cancel = np.maximum(cancel, start + 1)
    # A line that neither renews nor is cancelled before its end simply ends.
    cancelled = (cancel < DAYS) & (auto_renew | (cancel < end)) & ~trial
    ended = ~cancelled & ~auto_renew & (end < DAYS) & ~trial
    status = np.where(trial, "trial", np.where(cancelled, "cancelled", "active"))
    status = np.where(ended, "ended", status)
    reason_given = cancelled & (rng.random(n) < 0.85)
    return _table(
        Subscription,
        {
            "id": np.arange(1, n + 1),
            "external_id": [f"SUB-{i:07d}" for i in range(1, n + 1)],
            "account_id": rng.integers(1, size.accounts + 1, n),
            "product": PRODUCTS[product],
            "plan": np.array(["standard", "pro"])[rng.integers(0, 2, n)],
            "seats": seats,
            "amount": amount,
            "currency": np.full(n, CURRENCY),
            "billing_interval": INTERVALS[interval],
            "start_date": _dates(start),
            "end_date": _dates(end),
            "term_months": [None] * n,  # one billing interval
            "auto_renew": auto_renew,
            "status": status,
            "cancelled_on": _dates(cancel, cancelled),
            "cancel_reason": pa.array(
                REASONS[rng.integers(0, len(REASONS), n)], mask=~reason_given
            ),
            "cancel_comment": pa.array(np.full(n, "budget"), mask=~reason_given),
        },
    )


def exchange_rates() -> pa.Table:
    days = [date(2023 + (11 + m) // 12, (11 + m) % 12 + 1, 1) for m in range(37)]
    return _table(
        ExchangeRate,
        {
            "id": list(range(1, len(days) + 1)),
            "day": days,
            "currency": ["USD"] * len(days),
            "quote_currency": [CURRENCY] * len(days),
            "rate": [Decimal(150) + Decimal(m) / Decimal(4) for m in range(len(days))],
        },
    )


def tickets(rng: np.random.Generator, size: Size = DEFAULT) -> pa.Table:
    n = size.tickets
    opened = rng.integers(0, DAYS * 86_400, n)
    first = opened + rng.exponential(4 * 3600, n).astype(np.int64)
    resolved = opened + rng.exponential(30 * 3600, n).astype(np.int64)
    has_first, has_resolved = rng.random(n) < 0.9, rng.random(n) < 0.8
    return _table(
        Ticket,
        {
            "id": np.arange(1, n + 1),
            "account_id": rng.integers(1, size.accounts + 1, n),
            "opened_at": _instants(opened),
            "first_response_at": _instants(first, has_first),
            "resolved_at": _instants(resolved, has_resolved),
            "priority": np.array(["low", "normal", "high", "urgent"])[rng.integers(0, 4, n)],
            "status": np.where(has_resolved, "resolved", "open"),
            "escalated": rng.random(n) < 0.05,
            "satisfaction": pa.array(rng.integers(1, 6, n), mask=rng.random(n) < 0.6),
        },
    )


def survey_responses(rng: np.random.Generator, size: Size = DEFAULT) -> pa.Table:
    n = size.answers
    kind = rng.choice(3, n, p=[0.5, 0.3, 0.2])
    top = np.array([10, 5, 7])[kind]
    low = np.array([0, 1, 1])[kind]
    return _table(
        SurveyResponse,
        {
            "id": np.arange(1, n + 1),
            "account_id": rng.integers(1, size.accounts + 1, n),
            "contact_id": rng.integers(1, size.accounts * 3, n),
            "kind": np.array(["nps", "csat", "ces"])[kind],
            "score": low + (rng.random(n) * (top - low + 1)).astype(np.int64),
            "comment": pa.array(np.full(n, "ok"), mask=rng.random(n) < 0.7),
            "answered_at": _instants(rng.integers(0, DAYS * 86_400, n)),
        },
    )


def milestones(rng: np.random.Generator, size: Size = DEFAULT) -> pa.Table:
    """Three onboarding milestones per account; the second is first value."""
    account = np.repeat(np.arange(1, size.accounts + 1), 3)
    position = np.tile(np.arange(1, 4), size.accounts)
    n = len(account)
    done = rng.random(n) < 0.7
    return _table(
        Milestone,
        {
            "id": np.arange(1, n + 1),
            "account_id": account,
            "plan": np.full(n, "standard"),
            "name": np.array(["kickoff", "first_value", "rollout"])[position - 1],
            "position": position,
            "is_first_value": position == 2,
            "due_date": _dates(rng.integers(0, DAYS, n)),
            "done_at": _instants(rng.integers(0, DAYS * 86_400, n), done),
        },
    )


def health_scores(rng: np.random.Generator, size: Size = DEFAULT) -> pa.Table:
    """A health score per account every 14 days over the data (the loyal customers read the
    latest band by each period's end): ~1M rows, 70% green."""
    days = np.arange(0, DAYS, 14)
    account = np.repeat(np.arange(1, size.accounts + 1), len(days))
    offsets = np.tile(days, size.accounts)
    band = np.array(["green", "yellow", "red"])[rng.choice(3, len(account), p=[0.7, 0.2, 0.1])]
    return _table(
        HealthScore,
        {
            "id": np.arange(1, len(account) + 1),
            "account_id": account,
            "as_of": _dates(offsets),
            "band": band,
        },
    )


def facts(size: Size = DEFAULT) -> dict[str, pa.Table]:
    rng = np.random.default_rng(SEED)
    return {
        "accounts": accounts(rng, size),
        "subscriptions": subscriptions(rng, size),
        "exchange_rates": exchange_rates(),
        "tickets": tickets(rng, size),
        "survey_responses": survey_responses(rng, size),
        "milestones": milestones(rng, size),
        "health_scores": health_scores(rng, size),
    }


def inputs(con: Any, span: list[Period], *, share: bool, events: Any = None) -> Inputs:
    # All lines are in the reporting currency, so no foreign scales (as the service finds).
    src = Sources.from_backend(con, events)
    return Inputs(src, span, CURRENCY, ZONE, {}, 1.0, share=share)


USAGE_EVENTS = 10_000_000


def usage_kpis(con: Any, span: list[Period], tmp: str) -> tuple[float, list[float], int]:
    """(d): the usage KPIs with the events attached; (median, runs, events)."""
    import health  # this directory's health benchmark: its event generator

    events = Path(tmp) / "events.duckdb"
    health.write_events(events, USAGE_EVENTS, days=365, in_time_order=True)
    con.raw_sql(f"ATTACH '{events}' AS events (READ_ONLY)")
    table = con.table("usage_events", database="events.main")
    chosen = [m for m in all_metrics() if m.name in ("active_account_rate", "dau_mau")]
    seconds, runs, _rows = median_seconds(
        lambda: evaluate_metrics(inputs(con, span, share=True, events=table), chosen)
    )
    return seconds, runs, USAGE_EVENTS


def kpis(con: Any, span: list[Period], metrics: list[Metric]) -> list[list[dict[str, Any]]]:
    """What ``compute_metrics`` does once the facts are loaded: fresh inputs, every metric.

    As there, intermediate tables are shared (materialised) only for more than one metric.
    """
    fresh = inputs(con, span, share=len(metrics) > 1)
    return [rows for _metric, rows in evaluate_metrics(fresh, metrics)]


def movements_sql(span: list[Period]) -> str:
    """The movements per month, written by hand (DESIGN.md §4), for JPY-only contracts: a
    line serves through its last day (until, inclusive), and a month opens with the MRR of
    the day before its first and closes with that of its last day (the boundary − 1)."""
    values = ", ".join(f"('{p.label}', DATE '{p.start}', DATE '{p.end}')" for p in span)
    return f"""
WITH periods(period, period_start, period_end) AS (VALUES {values}),
days AS (
    SELECT period_start AS at FROM periods UNION SELECT period_end FROM periods
),
lines AS (
    SELECT account_id, amount, start_date,
           CASE billing_interval WHEN 'quarter' THEN 3 WHEN 'year' THEN 12 ELSE 1 END AS months,
           coalesce(cancelled_on,
                    CASE WHEN auto_renew AND status = 'active' THEN NULL ELSE end_date END)
               AS until
    FROM subscriptions
    WHERE status <> 'trial' AND amount > 0
),
account_mrr AS (
    SELECT l.account_id, d.at,
           sum(CAST(floor(CAST(l.amount AS DOUBLE) / l.months + 0.5) AS BIGINT)) AS mrr
    FROM lines l JOIN days d
      ON l.start_date <= d.at - 1 AND (l.until IS NULL OR d.at - 1 <= l.until)
    GROUP BY l.account_id, d.at
    HAVING sum(CAST(floor(CAST(l.amount AS DOUBLE) / l.months + 0.5) AS BIGINT)) > 0
),
first_paid AS (
    SELECT account_id, min(start_date) AS first_day FROM lines GROUP BY account_id
),
start_end AS (
    SELECT period, period_start, account_id, sum(s) AS s, sum(e) AS e
    FROM (
        SELECT p.period, p.period_start, a.account_id, a.mrr AS s, 0 AS e
        FROM periods p JOIN account_mrr a ON a.at = p.period_start
        UNION ALL
        SELECT p.period, p.period_start, a.account_id, 0, a.mrr
        FROM periods p JOIN account_mrr a ON a.at = p.period_end
    )
    GROUP BY period, period_start, account_id
),
moves AS (
    SELECT se.period, se.s, se.e,
           CASE WHEN se.s = 0 AND se.e > 0 AND NOT coalesce(f.first_day < se.period_start, false)
                THEN se.e ELSE 0 END AS new,
           CASE WHEN se.s = 0 AND se.e > 0 AND f.first_day < se.period_start
                THEN se.e ELSE 0 END AS reactivation,
           CASE WHEN se.s > 0 AND se.e > se.s THEN se.e - se.s ELSE 0 END AS expansion,
           CASE WHEN se.e < se.s AND se.e > 0 THEN se.s - se.e ELSE 0 END AS contraction,
           CASE WHEN se.s > 0 AND se.e = 0 THEN se.s ELSE 0 END AS churn
    FROM start_end se LEFT JOIN first_paid f USING (account_id)
)
SELECT p.period,
       coalesce(sum(m.s), 0) AS start, coalesce(sum(m.new), 0) AS new,
       coalesce(sum(m.reactivation), 0) AS reactivation,
       coalesce(sum(m.expansion), 0) AS expansion,
       coalesce(sum(m.contraction), 0) AS contraction,
       coalesce(sum(m.churn), 0) AS churn, coalesce(sum(m.e), 0) AS "end"
FROM periods p LEFT JOIN moves m USING (period)
GROUP BY p.period
ORDER BY p.period
"""


def median_seconds(work: Callable[[], object]) -> tuple[float, list[float], object]:
    times, result = [], None
    for _round in range(ROUNDS):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def _numbers(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(r["period"], *(int(r[k]) for k in MOVEMENTS)) for r in rows]


def main() -> None:
    started = time.perf_counter()
    tables = facts()
    generated = time.perf_counter() - started
    span = periods(FIRST_MONTH, LAST_MONTH, Grain.MONTH)
    metrics = all_metrics()
    movements_metric = find_metric("mrr_movements")
    assert movements_metric is not None
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-metrics-") as tmp:
        con = ibis.duckdb.connect()
        # In memory; should DuckDB ever spill, it spills here and the directory goes away.
        con.raw_sql(f"SET temp_directory = '{tmp}'")
        started = time.perf_counter()
        for name, table in tables.items():
            con.create_table(name, table)
        loaded = time.perf_counter() - started
        try:
            all_s, all_runs, _ = median_seconds(lambda: kpis(con, span, metrics))
            moves_s, moves_runs, moves = median_seconds(
                lambda: kpis(con, span, [movements_metric])[0]
            )
            sql = movements_sql(span)
            sql_s, sql_runs, by_hand = median_seconds(
                lambda: con.con.sql(sql).to_arrow_table().to_pylist()
            )
            usage_s, usage_runs, n_events = usage_kpis(con, span, tmp)
        finally:
            con.disconnect()
    assert isinstance(moves, list)
    assert isinstance(by_hand, list)
    assert _numbers(moves) == _numbers(by_hand), "the KPI and the SQL query disagree"
    subs = tables["subscriptions"]
    print(
        f"facts (seed {SEED}): {tables['accounts'].num_rows:,} accounts, "
        f"{subs.num_rows:,} contract lines, {tables['tickets'].num_rows:,} tickets, "
        f"{tables['survey_responses'].num_rows:,} survey answers, "
        f"{tables['milestones'].num_rows:,} milestones; no usage events"
    )
    print(
        f"generated in {generated:.1f} s; Arrow -> in-memory DuckDB in {loaded:.2f} s "
        "(not timed below; copying from the operational DB is not measured)"
    )
    last = moves[-1]
    print(f"{span[-1].label}: MRR {int(last['end']):,} JPY; movements checked equal to the SQL")

    def runs(values: list[float]) -> str:
        return ", ".join(f"{v:.2f}" for v in values)

    ratio = moves_s / sql_s
    print(
        f"(a) all {len(metrics)} KPIs, {len(span)} months: {all_s:.2f} s "
        f"(runs {runs(all_runs)}), target <= {TARGET_ALL_SECONDS:.0f} s: "
        f"{'MET' if all_s <= TARGET_ALL_SECONDS else 'MISSED'}"
    )
    print(f"(b) mrr_movements:            {moves_s:.3f} s (runs {runs(moves_runs)})")
    print(f"(c) hand-written DuckDB SQL:  {sql_s:.3f} s (runs {runs(sql_runs)})")
    print(
        f"(b)/(c) = {ratio:.2f}x, target <= {TARGET_RATIO}x: "
        f"{'MET' if ratio <= TARGET_RATIO else 'MISSED'}"
    )
    print(
        f"(d) active_account_rate + dau_mau, {n_events:,} events: {usage_s:.2f} s "
        f"(runs {runs(usage_runs)})"
    )


if __name__ == "__main__":
    main()
