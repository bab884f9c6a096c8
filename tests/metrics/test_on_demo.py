"""The issue's check on the demo company: the identity every month, and explain reproduces it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from kasasu.db import create_db_engine, session_factory
from kasasu.metrics.schemas import MetricQuery
from kasasu.metrics.service import explain_metric
from tests.support.cli import kasasu

# On one worker (--dist loadgroup), so the module's fixture is built once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group(__name__)]  # a 120-account demo company

MONTHS = [date(2025 + (m // 12), m % 12 + 1, 1) for m in range(22)]  # 2025-01 … 2026-10


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("metrics-demo")
    assert kasasu(data, "init").returncode == 0
    made = kasasu(
        data, "demo", "--accounts", "120", "--months", "24", "--seed", "5", "--as-of", "2026/11/15"
    )
    assert made.returncode == 0, made.stderr
    return data


def test_mrr_movements_json_satisfies_the_identity_every_month(demo: Path) -> None:
    result = kasasu(
        demo, "metrics", "mrr_movements", "--from", "2025-01", "--to", "2026-10", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["period"] for r in rows] == [f"{m:%Y-%m}" for m in MONTHS]
    for row in rows:
        b = row["breakdown"]
        assert (
            b["start"]
            + b["new"]
            + b["reactivation"]
            + b["expansion"]
            - b["contraction"]
            - b["churn"]
            == b["end"]
            == row["value"]
        )
    assert sum(r["breakdown"]["churn"] for r in rows) > 0


def test_explain_reproduces_every_month_from_its_accounts(demo: Path) -> None:
    engine = create_db_engine(f"sqlite:///{demo}/kasasu.db")
    query = MetricQuery(names=(), first_month=MONTHS[0], last_month=MONTHS[-1])
    with session_factory(engine)() as session:
        for month in MONTHS[::5]:
            explained = explain_metric(session, "mrr_movements", month, query)
            assert explained.totals["end"] == explained.value
            totals = explained.totals
            assert (
                totals["start"]
                + totals["new"]
                + totals["reactivation"]
                + totals["expansion"]
                - totals["contraction"]
                - totals["churn"]
                == totals["end"]
            )
    engine.dispose()
