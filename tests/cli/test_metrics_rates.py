"""``kasasu metrics`` refuses figures that leave out MRR for want of an exchange rate, unless
``--allow-missing-rates``; ``kasasu import exchange-rates`` supplies the rates (a real process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import kasasu

KPI = ("metrics", "mrr_movements", "--from", "2026-01", "--to", "2026-02", "--format", "json")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rates")
    path = folder / "kasasu-data"
    (folder / "a.csv").write_text("external_id,name\nA1,Yen\nA2,Dollar\n", encoding="utf-8")
    (folder / "s.csv").write_text(
        "external_id,account,product,amount,currency,billing_interval,start_date\n"
        "S1,A1,Core,100000,JPY,month,2025-12-01\n"
        "S2,A2,Core,USD 1200.00,USD,year,2025-12-01\n",
        encoding="utf-8",
    )
    for args in (
        ("init",),
        ("import", "accounts", str(folder / "a.csv")),
        ("import", "subscriptions", str(folder / "s.csv")),
    ):
        done = kasasu(path, *args)
        assert done.returncode == 0, done.stderr
    return path


def test_missing_rates_stop_the_command_unless_allowed(data: Path) -> None:
    refused = kasasu(data, *KPI)
    assert refused.returncode == 2
    assert "No exchange rate to JPY for part of the MRR: $100.00" in refused.stderr
    assert "--allow-missing-rates" in refused.stderr
    assert refused.stdout == ""
    allowed = kasasu(data, *KPI, "--allow-missing-rates")
    assert allowed.returncode == 0, allowed.stderr
    values = json.loads(allowed.stdout)
    assert [(v["value"], v["missing_rates"]) for v in values] == [
        (100_000, {"USD": 10_000}),
        (100_000, {"USD": 10_000}),
    ]
    assert "$100.00" in allowed.stderr


def test_imported_rates_complete_the_figures(data: Path, tmp_path: Path) -> None:
    rates = tmp_path / "rates.csv"
    rates.write_text("日付,通貨,レート\n2025/12/01,USD,150.25\n", encoding="utf-8")
    done = kasasu(data, "import", "exchange-rates", str(rates))
    assert done.returncode == 0, done.stderr
    answered = kasasu(data, *KPI)
    assert answered.returncode == 0, answered.stderr
    # $100.00 a month at ¥150.25 = ¥15,025.
    assert [v["value"] for v in json.loads(answered.stdout)] == [115_025, 115_025]
