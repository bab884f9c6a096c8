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


def test_meet_meetings_and_remind(tmp_path: Path) -> None:
    """A kick-off scheduled from the terminal (local time, the key contacts by default),
    listed, and its invitation written to the outbox by ``remind``, once."""
    from datetime import UTC, datetime

    from kasasu.domain.choices import ContactRole
    from kasasu.models import Contact, OnboardingMeeting

    data = tmp_path / "kasasu-data"
    assert kasasu(data, "init").returncode == 0
    engine = create_engine(f"sqlite:///{data}/kasasu.db")
    with Session(engine) as s:
        account = Account(external_id="ACC-1", name="青森精機", custom_fields={})
        s.add(account)
        s.flush()
        for name, email, role in (
            ("青森 太郎", "taro@aomori.jp", ContactRole.CHAMPION),
            ("Ann Lee", "ann@aomori.jp", ContactRole.USER),
        ):
            s.add(Contact(external_id=email, account_id=account.id, name=name, email=email,
                          role=role))  # fmt: skip
        s.commit()
    env = data_env(data, KASASU_LOCALE="en", COLUMNS="200")
    assert (
        invoke_kasasu(env, "onboarding", "start", "ACC-1", "--from", "2099-01-01").returncode == 0
    )
    made = invoke_kasasu(
        env, "onboarding", "meet", "ACC-1", "--kind", "キックオフ", "--at", "2099/01/05 10:00"
    )
    assert made.returncode == 0, made.stderr
    assert re.search(r"Kick-off\s.*2099-01-05 10:00\s.*Scheduled\s.*青森 太郎", made.stdout)
    assert "Ann Lee" not in made.stdout  # not a key contact
    with Session(engine) as s:
        meeting = s.query(OnboardingMeeting).one()
        assert meeting.starts_at == datetime(2099, 1, 5, 1, 0, tzinfo=UTC)  # 10:00 in Tokyo
    engine.dispose()
    more = invoke_kasasu(
        env, "onboarding", "meet", "ACC-1", "--kind", "training", "--at", "2099/01/20 14:00",
        "--contact", "ann@aomori.jp", "--minutes", "90", "--language", "ja",
    )  # fmt: skip
    assert more.returncode == 0, more.stderr
    listed = invoke_kasasu(env, "onboarding", "meetings", "ACC-1").stdout
    for word in ("Kick-off", "Training", "No reply yet"):
        assert word in listed
    wrong = invoke_kasasu(
        env, "onboarding", "meet", "ACC-1", "--kind", "party", "--at", "2099/01/05"
    )
    assert wrong.returncode != 0
    assert "Not a kind of meeting: party" in wrong.stderr

    sent = invoke_kasasu(env, "onboarding", "remind")
    assert sent.returncode == 0, sent.stderr
    assert "2 emails sent, 0 failed" in sent.stdout
    outbox = sorted(p.name for p in (data / "outbox").glob("*.eml"))
    assert len(outbox) == 2
    assert all(name.startswith("onboarding-meeting-") for name in outbox)
    assert "0 emails sent" in invoke_kasasu(env, "onboarding", "remind").stdout
