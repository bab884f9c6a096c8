"""``kasasu digests set|list|send`` and ``kasasu export crm`` on a data directory, as a user
runs them (the books of tests/jobs/digest_data.py and tests/jobs/crm_data.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy.orm import Session

from kasasu.db import create_db_engine
from tests.api.test_exports import HUBSPOT_CSV
from tests.jobs.crm_data import add_crm_book
from tests.jobs.digest_data import add_digest_book
from tests.playbooks.conftest import RawReceiver, raw_receiver
from tests.support.cli import data_env, invoke_kasasu, kasasu

__all__ = ["raw_receiver"]  # the fixture this module uses


def _fill(data: Path, build: Callable[..., object], *args: object) -> None:
    engine = create_db_engine(f"sqlite:///{data}/kasasu.db")
    with Session(engine) as session:
        build(session, *args)
        session.commit()
    engine.dispose()


def test_export_crm_as_csv_and_json(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert kasasu(data, "init").returncode == 0
    _fill(data, add_crm_book)
    csv_file, json_file = tmp_path / "hubspot.csv", tmp_path / "sf.json"
    done = kasasu(data, "export", "crm", "--format", "hubspot", str(csv_file))
    assert done.returncode == 0, done.stderr
    assert "4 accounts written to" in done.stdout
    assert csv_file.read_bytes().decode() == HUBSPOT_CSV  # CRLF kept
    done = kasasu(data, "export", "crm", "--format", "salesforce", "--json", str(json_file))
    assert done.returncode == 0, done.stderr
    records = json.loads(json_file.read_text(encoding="utf-8"))
    assert [(r["Id"], r["Kasasu_Health_Score__c"], r["Kasasu_Churn_Risk__c"]) for r in records] == [
        ("001A000001", 25.0, 62.3),
        (None, 82.5, None),
        (None, None, None),
        (None, None, None),
    ]
    wrong = kasasu(data, "export", "crm", "--format", "pipedrive", str(csv_file))
    assert wrong.returncode == 2
    assert "pipedrive" in wrong.stderr


def test_digests_set_list_and_send_once(
    tmp_path: Path, raw_receiver: tuple[RawReceiver, str]
) -> None:
    hook, base = raw_receiver
    data = tmp_path / "data"
    assert kasasu(data, "init").returncode == 0
    _fill(data, add_digest_book, f"{base}/baba-teams")
    env = data_env(
        data, KASASU_LOCALE="en", KASASU_PLAYBOOKS__WEBHOOK_HOSTS="127.0.0.1", COLUMNS="200"
    )

    refused = invoke_kasasu(env, "digests", "set", "dai@example.com", "--channel", "chatwork",
                            "--target", "room-7")  # fmt: skip
    assert refused.returncode == 2
    assert "A Chatwork room id is a number" in refused.stderr
    unknown = invoke_kasasu(env, "digests", "set", "dai@example.com", "--channel", "fax")
    assert unknown.returncode == 2
    made = invoke_kasasu(env, "digests", "set", "dai@example.com", "--channel", "chatwork",
                         "--target", "777")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "dai@example.com gets the daily digest by Chatwork" in made.stdout
    listed = invoke_kasasu(env, "digests", "list").stdout
    assert "Microsoft Teams" in listed  # Baba's
    assert "777" in listed  # Dai's room

    sent = invoke_kasasu(env, "digests", "send", "--as-of", "2026-03-10")
    assert sent.returncode == 0, sent.stderr
    # Aoki by email (the file outbox of a new install) and Baba to Teams; Dai owns no account.
    assert "Digests of 2026-03-10: 2 sent, 0 failed" in sent.stdout
    (mail,) = (data / "outbox").glob("kasasu.digest.*.2026-03-10.eml")
    message = message_from_bytes(mail.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Kasasu 今日のまとめ（2026/03/10）"  # Aoki reads Japanese
    assert [p.path for p in hook.posts] == ["/baba-teams"]
    again = invoke_kasasu(env, "digests", "send", "--as-of", "2026-03-10")
    assert "Digests of 2026-03-10: 0 sent, 0 failed" in again.stdout
    assert len(hook.posts) == 1
