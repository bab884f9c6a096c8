"""Health written back to the CRM's webhook (tests/jobs/crm_data.py): signed as playbook
webhooks are (the receiver checks the HMAC with the secret), in batches, bodies as worked
out below; a second run with nothing changed sends nothing; then only what changed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.jobs.writeback import EVENT, WritebackConfig, push_health
from kasasu.models import Account
from kasasu.settings import Settings
from kasasu.settings.sections import CrmSettings, PlaybookSettings
from kasasu.wiring import writeback_config
from tests.jobs.crm_data import DAY, add_crm_book, score
from tests.playbooks.conftest import SECRET, Receiver, receiver, sqlite_engine

__all__ = ["receiver", "sqlite_engine"]  # the fixtures this module uses


def _config(url: str, data_dir: Path, retries: int = 3) -> WritebackConfig:
    config = writeback_config(
        Settings(
            data_dir=data_dir,
            dev_mode=False,
            crm=CrmSettings(webhook_url=url, batch_size=2),
            playbooks=PlaybookSettings(
                webhook_secret=SecretStr(SECRET),
                webhook_hosts="127.0.0.1",
                retries=retries,
                backoff=0.0,
            ),
        )
    )
    assert config is not None
    return config


def _account(ids: dict[str, int], name: str, **health: Any) -> dict[str, Any]:
    values = {
        "C1": ("株式会社C1", "c1.jp", {"hubspot": "1001", "salesforce": "001A000001"}),
        "C2": ("C2 Inc.", "c2.com", {}),
        "C3": ("株式会社C3", None, {"hubspot": "1003"}),
        "C4": ("株式会社C4", None, {}),
    }[name]
    return {
        "account_id": ids[name],
        "external_id": name,
        "name": values[0],
        "domain": values[1],
        "crm_ids": values[2],
        **health,
    }


def test_changed_health_is_posted_signed_in_batches_and_only_once(
    sqlite_engine: Engine, receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    hook, url = receiver
    with transaction(session_factory(sqlite_engine)) as session:
        ids = add_crm_book(session)
    config = _config(url, tmp_path)

    first = push_health(sqlite_engine, DAY, config)
    # C4 was never scored: nothing to tell yet. C1, C2, C3 in batches of 2.
    assert (first.changed, first.sent, first.batches, first.error) == (3, 3, 2, None)
    assert (hook.requests, hook.bad_signatures) == (2, 0)
    on = {"refreshed_on": "2026-04-01"}
    aoki, baba = "aoki@example.com", "baba@example.com"
    # C1: 0.6234 × 100 = 62.34 → 62.3 %; C2: 82.46 → 82.5 (one decimal).
    c1 = _account(ids, "C1", health_score=25.0, health_band="red", churn_risk=62.3,
                  owner_email=aoki, **on)  # fmt: skip
    c2 = _account(ids, "C2", health_score=82.5, health_band="green", churn_risk=None,
                  owner_email=None, **on)  # fmt: skip
    c3 = _account(ids, "C3", health_score=None, health_band="unknown", churn_risk=None,
                  owner_email=baba, **on)  # fmt: skip
    assert hook.bodies == [
        {"event": EVENT, "accounts": [c1, c2]},
        {"event": EVENT, "accounts": [c3]},
    ]
    assert all(k.startswith("kasasu.health.") for k in hook.keys)
    assert len(set(hook.keys)) == 2

    again = push_health(sqlite_engine, DAY, config)
    assert (again.changed, again.sent, again.batches) == (0, 0, 0)
    assert hook.requests == 2  # nothing sent

    # The next day: C2 turns yellow 60, C3 moves to Aoki, C4 is scored; C1 stays as it was.
    day2 = DAY.replace(day=2)
    with transaction(session_factory(sqlite_engine)) as session:
        score(session, ids["C1"], day2, "red", 25.0, risk=0.6234)
        score(session, ids["C2"], day2, "yellow", 60.0)
        score(session, ids["C3"], day2, "unknown", None)
        score(session, ids["C4"], day2, "green", 75.0)
        account = session.get(Account, ids["C3"])
        assert account is not None
        account.owner_id = ids["Aoki"]
    third = push_health(sqlite_engine, day2, config)
    assert (third.changed, third.sent, third.batches) == (3, 3, 2)
    later = {"refreshed_on": "2026-04-02", "churn_risk": None}
    c2 = _account(ids, "C2", health_score=60.0, health_band="yellow", owner_email=None, **later)
    c3 = _account(ids, "C3", health_score=None, health_band="unknown", owner_email=aoki, **later)
    c4 = _account(ids, "C4", health_score=75.0, health_band="green", owner_email=aoki, **later)
    assert hook.bodies[2:] == [
        {"event": EVENT, "accounts": [c2, c3]},
        {"event": EVENT, "accounts": [c4]},
    ]


def test_a_failed_batch_is_sent_again_by_the_next_run(
    sqlite_engine: Engine, receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    hook, url = receiver
    hook.fail_first = 2  # the first batch and its one retry answer 503
    with transaction(session_factory(sqlite_engine)) as session:
        add_crm_book(session)
    config = _config(url, tmp_path, retries=1)
    first = push_health(sqlite_engine, DAY, config)
    assert (first.changed, first.sent, first.error) == (3, 0, "HTTP 503")
    assert hook.requests == 2  # it stopped at the failing batch
    second = push_health(sqlite_engine, DAY, config)
    assert (second.changed, second.sent, second.batches, second.error) == (3, 3, 2, None)
    assert [len(b["accounts"]) for b in hook.bodies] == [2, 1]


def test_the_crm_can_have_a_secret_of_its_own(
    sqlite_engine: Engine, receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    """With KASASU_CRM__WEBHOOK_SECRET the CRM's requests are signed with it, not with the
    playbooks' secret (the receiver checks with SECRET and counts a mismatch)."""
    hook, url = receiver
    with transaction(session_factory(sqlite_engine)) as session:
        add_crm_book(session)
    config = writeback_config(
        Settings(
            data_dir=tmp_path,
            dev_mode=False,
            crm=CrmSettings(webhook_url=url, webhook_secret=SecretStr(SECRET)),
            playbooks=PlaybookSettings(
                webhook_secret=SecretStr("a-playbook-secret-that-the-crm-never-sees"),
                webhook_hosts="127.0.0.1",
                backoff=0.0,
            ),
        )
    )
    assert config is not None
    done = push_health(sqlite_engine, DAY, config)
    assert (done.sent, done.error) == (3, None)
    assert (hook.requests, hook.bad_signatures) == (1, 0)
