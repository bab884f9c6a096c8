"""``kasasu voice terms|search|reasons`` in a real process, in English and Japanese."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.support.cli import data_env, invoke_kasasu, kasasu
from tests.voice.data import add_answers, add_cancellations


@pytest.fixture(scope="module")
def voice_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("voice") / "kasasu-data"
    assert kasasu(path, "init").returncode == 0
    engine = create_engine(f"sqlite:///{path}/kasasu.db")
    with Session(engine) as s:
        add_answers(s)
        add_cancellations(s)
        s.commit()
    engine.dispose()
    return path


def test_terms(voice_data: Path) -> None:
    english = kasasu(voice_data, "voice", "terms", "--from", "2026-04-01", "--to", "2026-04-30")
    assert english.returncode == 0, english.stderr
    assert "6 answers: 3 detractors (3 comments), 2 promoters (2 comments)" in english.stdout
    assert "遅い" in english.stdout
    assert "Support" in english.stdout
    japanese = kasasu(
        voice_data, "voice", "terms", "--from", "2026-04-01", "--to", "2026-04-30", locale="ja"
    )
    assert "回答 6 件" in japanese.stdout
    assert "サポート対応" in japanese.stdout


def test_search_and_reasons(voice_data: Path) -> None:
    wide = data_env(voice_data, KASASU_LOCALE="en", COLUMNS="200")  # comments not wrapped
    found = invoke_kasasu(wide, "voice", "search", "サポートの対応")
    assert found.returncode == 0, found.stderr
    assert "サポートの対応が遅くて困っています" in found.stdout
    assert "1 comments" in found.stderr
    reasons = kasasu(voice_data, "voice", "reasons", "--from", "2025-05")
    assert reasons.returncode == 0, reasons.stderr
    assert "4 churned accounts, ¥110,000 MRR lost" in reasons.stdout
    assert "Price" in reasons.stdout
    assert "No theme" in reasons.stdout
    japanese = kasasu(voice_data, "voice", "reasons", "--from", "2025-05", locale="ja")
    assert "テーマなし" in japanese.stdout
    bad = kasasu(voice_data, "voice", "search", "の")
    assert bad.returncode == 2
