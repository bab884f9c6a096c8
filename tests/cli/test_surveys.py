"""``kasasu surveys create|send|remind|results|list`` in a real process, mail through a real
local SMTP server."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tests.playbooks.conftest import Mailbox, smtp
from tests.support.cli import data_env, invoke_kasasu, kasasu
from tests.surveys.conftest import build_world

__all__ = ["smtp"]


def test_create_send_remind_results(tmp_path: Path, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    data = tmp_path / "kasasu-data"
    assert kasasu(data, "init").returncode == 0
    engine = create_engine(f"sqlite:///{data}/kasasu.db")
    with Session(engine) as s:
        build_world(s)
        s.commit()
    engine.dispose()
    env = data_env(
        data,
        KASASU_LOCALE="en",
        COLUMNS="200",
        KASASU_MAIL__BACKEND="smtp",
        KASASU_MAIL__PORT=str(port),
        KASASU_PLAYBOOKS__BASE_URL="https://cs.example.jp",
    )

    created = invoke_kasasu(
        env,
        "surveys",
        "create",
        "q2",
        "--kind",
        "nps",
        "--segment",
        "all",
        "--question-ja",
        "弊社を薦めたいですか？",
        "--throttle-days",
        "30",
    )
    assert created.returncode == 0, created.stderr
    assert "Campaign q2 created" in created.stdout
    dry = invoke_kasasu(env, "surveys", "send", "q2", "--dry-run")
    assert "jane@acme.com" in dry.stdout
    assert "Audience 3, invited 3, skipped as surveyed recently 0, sent 0" in dry.stdout
    assert mailbox.messages == []
    sent = invoke_kasasu(env, "surveys", "send", "q2")
    assert sent.returncode == 0, sent.stderr
    assert "sent 3, failed 0" in sent.stdout
    assert len(mailbox.messages) == 3
    japanese = next(m for m in mailbox.messages if m["To"] == "hanako@mitsuba.jp")
    assert "弊社を薦めたいですか？" in japanese.get_content()
    assert "https://cs.example.jp/s/" in japanese.get_content()
    assert "sent 0" in invoke_kasasu(env, "surveys", "send", "q2").stdout
    assert "Reminded 0" in invoke_kasasu(env, "surveys", "remind", "q2").stdout  # too early

    results = invoke_kasasu(env, "surveys", "results", "q2")
    assert results.returncode == 0, results.stderr
    assert "pro" in results.stdout
    assert "basic" in results.stdout
    listed = invoke_kasasu(env, "surveys", "list")
    assert "q2" in listed.stdout
    assert "all" in listed.stdout
    missing = invoke_kasasu(env, "surveys", "results", "nope")
    assert missing.returncode != 0
    assert "No survey campaign named nope" in missing.stderr
