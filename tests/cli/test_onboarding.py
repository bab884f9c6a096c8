"""``kasasu onboarding`` as a user runs it: load a template, start it on an account, see
its steps, tick and reopen one."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from kasasu.models import Account
from tests.support.cli import data_env, invoke_kasasu, kasasu

TEMPLATE = """\
name: pilot
title: {ja: パイロット導入, en: Pilot onboarding}
stages:
  - title: {ja: 開始, en: Start}
    steps:
      - {key: kickoff, title: {ja: キックオフ, en: Kick-off}, due_days: 3}
      - {key: value, title: {ja: 初回レポート, en: First report}, side: customer,
         due_days: 20, first_value: true}
"""


def test_load_start_status_tick_reopen(tmp_path: Path) -> None:
    data = tmp_path / "kasasu-data"
    assert kasasu(data, "init").returncode == 0
    engine = create_engine(f"sqlite:///{data}/kasasu.db")
    with Session(engine) as s:
        s.add(Account(external_id="ACC-1", name="青森精機", custom_fields={}))
        s.commit()
    engine.dispose()
    env = data_env(data, KASASU_LOCALE="en", COLUMNS="200")
    file = tmp_path / "pilot.yaml"
    file.write_text(TEMPLATE, encoding="utf-8")

    loaded = invoke_kasasu(env, "onboarding", "load", str(file))
    assert "Template pilot is at version 1" in loaded.stdout, loaded.stderr
    listed = invoke_kasasu(env, "onboarding", "templates")
    assert "Pilot onboarding" in listed.stdout

    started = invoke_kasasu(
        env, "onboarding", "start", "ACC-1", "--template", "pilot", "--from", "2026-04-01"
    )
    assert started.returncode == 0, started.stderr
    assert "pilot v1 from 2026-04-01: 0 of 2 steps done" in started.stdout
    assert re.search(r"Kick-off\s.*2026-04-04", started.stdout)
    step = re.search(r"(\d+)\s.*First report", started.stdout)
    assert step is not None

    assert "Done: First report" in invoke_kasasu(env, "onboarding", "tick", step[1]).stdout
    assert "1 of 2 steps done" in invoke_kasasu(env, "onboarding", "status", "ACC-1").stdout
    assert "Open again" in invoke_kasasu(env, "onboarding", "reopen", step[1]).stdout
    again = invoke_kasasu(env, "onboarding", "start", "ACC-1")
    assert again.returncode != 0
    assert "already has an onboarding plan" in again.stderr
