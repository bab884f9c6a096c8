"""Security review F9: webhooks reached internal addresses (the playbook log showed "HTTP
401" from 127.0.0.1:8101, "Connection refused" from :1 — a port scanner), and were signed
with the public default secret. Now the target is checked when a playbook is saved and
again when each webhook is sent, and a webhook is never signed with the default secret."""

from __future__ import annotations

import copy
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from kasasu.db import session_factory, transaction
from kasasu.errors import InvalidInput
from kasasu.jobs.playbooks import run_playbooks
from kasasu.models import PlaybookAction
from kasasu.playbooks.definitions import validate_playbook
from kasasu.settings import Settings
from kasasu.settings.sections import PlaybookSettings
from kasasu.wiring import playbook_setup
from tests.playbooks.conftest import Mailbox, Receiver
from tests.playbooks.runner import HELLO, prepare, setup
from tests.playbooks.world import DAY


def _hook(url: str) -> dict[str, object]:
    playbook = copy.deepcopy(HELLO)
    playbook["when"] = 'plan == "Pro" and band == "red" and mrr > 100000'  # P1 alone
    playbook["actions"] = [{"type": "webhook", "url": url}]
    return playbook


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8101/api/v1/accounts",
        "http://127.0.0.1:5432/",
        "http://localhost:1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://10.0.0.5/hook",
        "http://[::1]:8000/",
    ],
)
def test_internal_targets_are_refused_when_saved(url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        validate_playbook(_hook(url), "body", webhook_hosts=frozenset())
    error = refused.value.errors[0]
    assert error.loc == ("body", "actions", 0, "url")
    assert "address" in error.message.render("en")
    assert "アドレス" in error.message.render("ja")
    # Listed by the operator: accepted.
    validate_playbook(
        _hook(url),
        "body",
        webhook_hosts=frozenset({"127.0.0.1", "localhost", "::1", "10.0.0.0/8", "fd00::/8"})
        | frozenset({"169.254.169.254"}),
    )


def test_a_stored_internal_target_is_refused_when_sent(
    sqlite_engine: Engine,
    smtp: tuple[Mailbox, int],
    receiver: tuple[Receiver, str],
    tmp_path: Path,
) -> None:
    """Stored before the check, or allowed then and no longer, or a name that now resolves
    to an internal address (DNS rebinding): the delivery checks again and sends nothing."""
    hook, url = receiver
    prepare(sqlite_engine, _hook(url))
    config = setup(smtp[1], tmp_path, retries=0)
    refused = replace(config, delivery=replace(config.delivery, webhook_hosts=frozenset()))
    outcome = run_playbooks(sqlite_engine, DAY, refused)
    assert (outcome.done, outcome.failed) == (0, 1)
    assert hook.requests == 0
    with transaction(session_factory(sqlite_engine)) as session:
        action = session.scalars(select(PlaybookAction)).one()
    assert action.error == "refused: the address 127.0.0.1 is loopback"


def test_webhooks_are_never_signed_with_the_default_secret(
    sqlite_engine: Engine,
    smtp: tuple[Mailbox, int],
    receiver: tuple[Receiver, str],
    tmp_path: Path,
) -> None:
    hook, url = receiver
    prepare(sqlite_engine, _hook(url))
    settings = Settings(
        dev_mode=False,
        playbooks=PlaybookSettings(webhook_hosts="127.0.0.1", retries=0),
        data_dir=tmp_path,
    )
    outcome = run_playbooks(sqlite_engine, DAY, playbook_setup(settings))
    assert (outcome.done, outcome.failed) == (0, 1)
    assert hook.requests == 0
    with transaction(session_factory(sqlite_engine)) as session:
        action = session.scalars(select(PlaybookAction)).one()
    assert action.error is not None
    assert "KASASU_PLAYBOOKS__WEBHOOK_SECRET" in action.error
