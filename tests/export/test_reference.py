"""docs/warehouse.md is generated from the tables' metadata: every exported table is in it."""

from __future__ import annotations

from pathlib import Path

from kasasu.export.reference import warehouse_reference
from kasasu.export.service import table_names
from kasasu.models import Base

DOC = Path(__file__).resolve().parents[2] / "docs" / "warehouse.md"


def test_the_doc_lists_every_exported_table_and_column() -> None:
    generated = warehouse_reference()
    assert DOC.read_text(encoding="utf-8") == generated, (
        "docs/warehouse.md is stale: run "
        ".venv/bin/python -m kasasu.export.reference > docs/warehouse.md"
    )
    assert set(table_names()) == {*Base.metadata.tables, "usage_events"}
    for name in table_names():
        assert f"### `{name}`" in generated
    assert "| `amount` | int64 | no |" in generated  # subscriptions' money, minor units
    assert "Not exported (secret): `password_hash`" in generated
    assert "| `password_hash` |" not in generated
