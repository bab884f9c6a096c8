"""``kasasu churn evaluate`` on a Shift_JIS export with Japanese headers, in a real process.

Hand-made: 60 customers; those with fewer than 10 logins a month churned (はい), the others
stayed (いいえ); the plan column says nothing. The model must find it: AUC 1.000, the logins
the first reason, the customer number left out as an identifier."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import kasasu


def _export(path: Path) -> Path:
    lines = ["顧客番号,月間ログイン数,プラン,解約"]
    for n in range(60):
        logins = n % 20
        plan = "ベーシック" if n % 3 else "プロ"
        lines.append(f"{1000 + n},{logins},{plan},{'はい' if logins < 10 else 'いいえ'}")
    file = path / "解約.csv"
    file.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return file


def test_evaluate_a_shift_jis_export(tmp_path: Path) -> None:
    data = tmp_path / "kasasu-data"
    file = _export(tmp_path)
    done = kasasu(data, "churn", "evaluate", str(file), "--label", "解約", locale="ja")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "60 行、解約 30 件（50.0%）" in out
    assert "lightgbm 1.000" in out  # the trees split at 10 logins exactly
    table = out.split("リスクを最も高めるもの")[1]
    rows = [line for line in table.splitlines() if line.startswith("│")]
    assert "月間ログイン数" in rows[0]
    assert "使わない列: 顧客番号" in out


def test_a_label_that_is_not_a_column_is_named(tmp_path: Path) -> None:
    file = _export(tmp_path)
    done = kasasu(tmp_path / "kasasu-data", "churn", "evaluate", str(file), "--label", "churn")
    assert done.returncode == 2
    assert "churn" in done.stderr
