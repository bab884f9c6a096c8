"""Demo data generated into fresh SQLite and DuckDB files, as ``kasasu demo`` does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.demo.support import DemoRun, run_demo


@pytest.fixture
def demo_run(tmp_path: Path) -> Callable[..., DemoRun]:
    counter = iter(range(1000))

    def make(**options: int) -> DemoRun:
        return run_demo(tmp_path / f"run{next(counter)}", **options)

    return make


@pytest.fixture(scope="module")
def medium_demo(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """Big enough for the churn signals to show above the noise, still a few seconds."""
    return run_demo(tmp_path_factory.mktemp("demo"), accounts=300, months=18, seed=7)
