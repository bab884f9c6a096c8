"""``kasasu import`` as a user runs it, on a fresh SQLite data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.imports.helpers import EXAMPLES, SUBSCRIPTION_HEADER, excel_csv, subscription_rows
from tests.support.cli import kasasu


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-import") / "kasasu-data"
    assert kasasu(path, "init").returncode == 0
    return path


def test_import_twice_then_a_bad_file(data: Path, tmp_path: Path) -> None:
    first = kasasu(data, "import", "accounts", str(EXAMPLES / "accounts.csv"))
    assert first.returncode == 0, first.stderr
    assert "│ 15   │ 15      │ 0       │ 0         │ 0       │" in first.stdout
    again = kasasu(data, "import", "accounts", str(EXAMPLES / "accounts.csv"))
    assert "│ 15   │ 0       │ 0       │ 15        │ 0       │" in again.stdout

    rows = subscription_rows(20)
    rows[5][3] = "abc"
    bad = tmp_path / "契約.csv"
    bad.write_bytes(excel_csv(SUBSCRIPTION_HEADER, rows))
    failed = kasasu(data, "import", "subscriptions", str(bad), locale="ja")
    assert failed.returncode == 2
    assert "Traceback" not in failed.stderr
    assert "金額ではありません: abc" in failed.stderr
    assert "│ 7 " in failed.stderr
    assert "金額" in failed.stderr

    skipped = kasasu(data, "import", "subscriptions", str(bad), "--skip-bad-rows")
    assert skipped.returncode == 0, skipped.stderr
    assert "│ 20   │ 19      │ 0       │ 0         │ 1       │" in skipped.stdout


def test_dry_run_and_map(data: Path, tmp_path: Path) -> None:
    file = tmp_path / "c.csv"
    file.write_bytes(excel_csv(["ID", "顧客ID", "お名前"], [["C-1", "ACC-0001", "山田 太郎"]]))
    kasasu(data, "import", "accounts", str(EXAMPLES / "accounts.csv"))
    missing = kasasu(data, "import", "contacts", str(file), "--dry-run")
    assert missing.returncode == 2
    assert "Missing column name" in missing.stderr
    dry = kasasu(data, "import", "contacts", str(file), "--dry-run", "--map", "name=お名前")
    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stdout
    real = kasasu(data, "import", "contacts", str(file), "--map", "name=お名前")
    assert "│ 1    │ 1       │" in real.stdout  # the dry run wrote nothing
