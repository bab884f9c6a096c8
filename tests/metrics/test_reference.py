from __future__ import annotations

from pathlib import Path

from kasasu.analytics.catalog import all_metrics
from kasasu.metrics.reference import metrics_reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def test_docs_list_every_kpi_as_the_registry_defines_it() -> None:
    assert DOC.read_text(encoding="utf-8") == metrics_reference(), (
        "docs/metrics.md is stale: run "
        ".venv/bin/python -m kasasu.metrics.reference > docs/metrics.md"
    )
    for metric in all_metrics():
        assert f"## `{metric.name}`" in metrics_reference()
