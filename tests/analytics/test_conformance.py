"""Two engines, one answer: every KPI from DuckDB and from PostgreSQL in place agree exactly."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

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
from kasasu.metrics.service import compute_metrics
from kasasu.models import Account, ExchangeRate, Subscription
from kasasu.warehouse.backends import analytics_backend, usage_events
from kasasu.warehouse.source import AnalyticsSource
from tests.conftest import new_postgres_database
from tests.engines import copy_events_to_postgres

# On one worker (--dist loadgroup), so the module's fixtures are built once.
pytestmark = pytest.mark.xdist_group(__name__)


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


@pytest.mark.parametrize("grain", [Grain.MONTH, Grain.FISCAL_YEAR])
def test_duckdb_and_postgres_agree_on_every_kpi(
    postgres_demo: tuple[str, Path], grain: Grain
) -> None:
    url, events = postgres_demo
    engine = create_db_engine(url)
    query = MetricQuery(
        names=(), first_month=date(2025, 1, 1), last_month=date(2026, 2, 1), grain=grain
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
