from __future__ import annotations

from pathlib import Path

from kasasu.analytics.features import FEATURES
from kasasu.health.reference import health_reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "health.md"


def test_docs_list_every_feature_and_the_shipped_scorecard() -> None:
    assert DOC.read_text(encoding="utf-8") == health_reference(), (
        "docs/health.md is stale: run .venv/bin/python -m kasasu.health.reference > docs/health.md"
    )
    for feature in FEATURES:
        assert f"| `{feature.name}` |" in health_reference()
    assert "name: default" in health_reference()
