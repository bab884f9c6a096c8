"""``kasasu demo`` as ``make demo`` runs it, on fresh data directories."""

from __future__ import annotations

from pathlib import Path

from tests.demo.support import dump
from tests.support.cli import kasasu

ARGS = ("--accounts", "20", "--months", "3", "--seed", "1", "--as-of", "2025/11/23")


def make_demo(data: Path) -> None:
    assert kasasu(data, "init").returncode == 0
    result = kasasu(data, "demo", "--if-empty", *ARGS)
    assert result.returncode == 0, result.stderr
    assert "Demo company created: 20 accounts" in result.stdout
    assert "from 2025/09/01 to 2025/11/22" in result.stdout


def test_make_demo_twice_fills_once(tmp_path: Path) -> None:
    data = tmp_path / "kasasu-data"
    make_demo(data)
    again = kasasu(data, "demo", "--if-empty", *ARGS)
    assert again.returncode == 0, again.stderr
    assert "already has 20 accounts; no demo data was added" in again.stdout
    conflict = kasasu(data, "demo", *ARGS)
    assert conflict.returncode == 4
    assert "needs an empty one" in conflict.stderr


def test_seed_1_twice_into_fresh_data_dirs_is_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    make_demo(first)
    make_demo(second)
    tables_a, events_a = dump(f"sqlite:///{first}/kasasu.db", first / "events.duckdb")
    tables_b, events_b = dump(f"sqlite:///{second}/kasasu.db", second / "events.duckdb")
    assert tables_a == tables_b
    assert events_a.equals(events_b)


def test_bad_as_of_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "kasasu-data"
    assert kasasu(data, "init").returncode == 0
    result = kasasu(data, "demo", "--as-of", "2025/13/01")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
