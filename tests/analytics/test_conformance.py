"""Three engines, one answer: every KPI and feature from DuckDB, from PostgreSQL in place and
from Spark agree exactly.

The KPIs run as a metric × engine matrix, in the manner of Ibis's own backend tests: one test
per KPI and engine against the embedded DuckDB engine, and ``GAPS`` names what an engine
cannot compute yet. Those cases are strict xfails (pyproject's ``xfail_strict``), so a new gap
fails the suite and so does a gap that closes without leaving the list."""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from kasasu.analytics.catalog import all_metrics
from kasasu.analytics.evaluate import evaluate
from kasasu.analytics.features import account_features
from kasasu.analytics.sources import Sources
from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.migrate import upgrade
from kasasu.demo.schemas import DemoOptions
from kasasu.demo.service import generate_demo
from kasasu.domain.choices import BillingInterval, SubscriptionStatus
from kasasu.domain.periods import Grain
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import compute_metrics, evaluate_metrics, inputs_for, metric_names
from kasasu.models import Account, ExchangeRate, Subscription
from kasasu.warehouse.backends import analytics_backend, usage_events
from kasasu.warehouse.source import AnalyticsSource, Engine
from tests.conftest import new_postgres_database
from tests.engines import copy_events_to_postgres, events_to_parquet

# With the other Spark tests on one worker (--dist loadgroup): Spark starts once, and the
# module's fixtures are built once.
pytestmark = pytest.mark.xdist_group("spark")

# (KPI, engine) → why the engine cannot compute it yet. Empty: every KPI runs everywhere.
GAPS: dict[tuple[str, Engine], str] = {}
OTHER_ENGINES: tuple[Engine, ...] = ("postgres", "spark")


def _add_dollar_contracts(session: Session) -> None:
    """A few USD contracts and monthly rates, so currency conversion is compared too."""
    accounts = session.query(Account).order_by(Account.id).limit(3).all()
    for n, account in enumerate(accounts):
        session.add(
            Subscription(
                external_id=f"USD-{n}",
                account_id=account.id,
                product="Global",
                amount=9_999 + n * 1_001,
                currency="USD",
                billing_interval=BillingInterval.MONTH,
                start_date=date(2025, 3, 1 + n),
                end_date=None,
                auto_renew=True,
                status=SubscriptionStatus.ACTIVE,
            )
        )
    for month in range(1, 13):
        rate = Decimal(150) + Decimal(month) / Decimal(3)
        session.add(
            ExchangeRate(day=date(2025, month, 1), currency="USD", quote_currency="JPY", rate=rate)
        )


@pytest.fixture(scope="module")
def postgres_demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    with new_postgres_database() as url:
        upgrade(url)
        engine = create_db_engine(url)
        options = DemoOptions(
            as_of=date(2026, 3, 1),
            zone="Asia/Tokyo",
            currency="JPY",
            accounts=80,
            months=15,
            seed=3,
        )
        events = tmp_path_factory.mktemp("ev") / "e.duckdb"
        with transaction(session_factory(engine)) as session:
            generate_demo(session, options, events_path=events)
            _add_dollar_contracts(session)
        engine.dispose()
        copy_events_to_postgres(events, url)
        yield url, events


def test_duckdb_and_postgres_agree_on_every_kpi_by_fiscal_year(
    postgres_demo: tuple[str, Path],
) -> None:
    """The figures as the service gives them (with the MRR left out for want of a rate), by
    fiscal year; the matrix below compares every KPI by month."""
    url, events = postgres_demo
    engine = create_db_engine(url)
    query = MetricQuery(
        names=(), first_month=date(2025, 1, 1), last_month=date(2026, 2, 1), grain=Grain.FISCAL_YEAR
    )
    with session_factory(engine)() as session:
        embedded = compute_metrics(session, query, AnalyticsSource("duckdb", events))
        in_place = compute_metrics(session, query, AnalyticsSource("postgres"))
    engine.dispose()
    assert len(embedded) > 20
    assert [v.model_dump() for v in embedded] == [v.model_dump() for v in in_place]
    moved = [v for v in embedded if v.metric == "mrr_movements" and v.breakdown]
    assert any(v.breakdown and v.breakdown["churn"] > 0 for v in moved)  # the data really moves
    for name in ("active_account_rate", "dau_mau"):  # events really read, on both engines
        assert any(v.value for v in embedded if v.metric == name), name
    funnel = [v.breakdown for v in embedded if v.metric == "funnel_leads" and v.breakdown]
    assert any(b["retained"] for b in funnel)  # leads, deals and MRR a year on, on both


def test_duckdb_and_postgres_agree_on_every_feature(postgres_demo: tuple[str, Path]) -> None:
    url, events = postgres_demo
    engine = create_db_engine(url)
    rows = {}
    with session_factory(engine)() as session:
        for source in (AnalyticsSource("duckdb", events), AnalyticsSource("postgres")):
            name = source.engine
            with analytics_backend(session, source, guides=True) as backend:
                src = Sources.from_backend(backend, usage_events(backend, name))
                scales = {"USD": 0.01}  # cents → yen: JPY has no minor unit, USD two
                expr = account_features(src, date(2026, 2, 1), "Asia/Tokyo", "JPY", scales)
                rows[name] = sorted(evaluate(expr).to_pylist(), key=lambda r: r["account_id"])
    engine.dispose()
    assert len(rows["duckdb"]) > 30
    assert rows["duckdb"] == rows["postgres"]
    assert any(r["events_30d"] for r in rows["duckdb"])  # events really read on both
    assert any(r["latest_nps"] is not None for r in rows["duckdb"])


def _matrix() -> Iterator[Any]:
    for engine in OTHER_ENGINES:
        for name in metric_names():
            marks = [pytest.mark.slow] if engine == "spark" else []
            if (name, engine) in GAPS:
                marks.append(pytest.mark.xfail(reason=GAPS[name, engine]))
            yield pytest.param(name, engine, marks=marks, id=f"{name}-{engine}")


MATRIX_QUERY = MetricQuery(
    names=(), first_month=date(2025, 1, 1), last_month=date(2026, 2, 1), grain=Grain.MONTH
)
Answers = dict[str, list[dict[str, Any]] | Exception]


def _answers(url: str, source: AnalyticsSource) -> Answers:
    """Every KPI's rows on one engine, over one copy of the facts; a KPI the engine fails on
    keeps its error, so only that KPI's case fails."""
    engine = create_db_engine(url)
    found: Answers = {}
    with session_factory(engine)() as session, inputs_for(session, MATRIX_QUERY, source) as inputs:
        for metric in all_metrics():
            try:
                [(_metric, rows)] = evaluate_metrics(inputs, [metric])
            except Exception as exc:  # noqa: BLE001 - reported by that KPI's own case
                found[metric.name] = exc
            else:
                found[metric.name] = rows
    engine.dispose()
    return found


@pytest.fixture(scope="module")
def answers(
    postgres_demo: tuple[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[Engine], Answers]]:
    """Each engine's answers, computed when a case first asks for them (so ``-m "not slow"``
    never starts Spark) and kept for the module."""
    url, events = postgres_demo
    lake = events_to_parquet(events, tmp_path_factory.mktemp("lake") / "events.parquet")
    sources: dict[Engine, AnalyticsSource] = {
        "duckdb": AnalyticsSource("duckdb", events),
        "postgres": AnalyticsSource("postgres"),
        "spark": AnalyticsSource("spark", lake),
    }
    yield functools.cache(lambda engine: _answers(url, sources[engine]))
    gc.collect()  # Py4J leaves closing its sockets to the garbage collector


@pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning")
@pytest.mark.parametrize(("name", "engine"), list(_matrix()))
def test_every_kpi_on_every_engine_equals_duckdb(
    answers: Callable[[Engine], Answers], name: str, engine: Engine
) -> None:
    reference, found = answers("duckdb")[name], answers(engine)[name]
    for result in (reference, found):
        if isinstance(result, Exception):
            raise result
    assert reference  # rows to compare
    assert found == reference
