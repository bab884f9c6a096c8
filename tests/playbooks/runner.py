"""Shared set-up for the tests that run playbooks for real."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.jobs.playbooks import PlaybookSetup
from kasasu.playbooks.definitions import validate_playbook
from kasasu.playbooks.delivery import Delivery, MailConfig
from kasasu.playbooks.planning import PlaybookConfig
from kasasu.playbooks.service import save_playbook
from tests.playbooks.conftest import SECRET
from tests.playbooks.world import build_world

HELLO: dict[str, Any] = {
    "name": "hello",
    "title": {"ja": "挨拶", "en": "Hello"},
    "trigger": {"type": "schedule", "every": "day"},
    "when": 'plan == "Pro"',
    "actions": [
        {
            "type": "task",
            "title": {"ja": "電話: {{ account.name }}", "en": "Call {{ account.name }}"},
            "checklist": [{"ja": "議事録を残す", "en": "Write notes"}],
            "due_in_days": 2,
            "priority": "high",
        },
        {
            "type": "email",
            "to": "owner",
            "subject": {"ja": "こんにちは {{ account.name }}", "en": "Hello {{ account.name }}"},
            "body": {
                "ja": "{{ owner.name }} さん、MRR {{ account.mrr }}",
                "en": "Dear {{ owner.name }}, MRR {{ account.mrr }}",
            },
        },
    ],
}


def setup(smtp_port: int, outbox: Path, retries: int = 3) -> PlaybookSetup:
    return PlaybookSetup(
        config=PlaybookConfig("Asia/Tokyo", "JPY", "ja", "http://kasasu.test"),
        delivery=Delivery(
            mail=MailConfig("smtp", "127.0.0.1", smtp_port, "cs@vendor.jp", outbox),
            webhook_secret=SECRET,
            webhook_hosts=frozenset({"127.0.0.1"}),  # the local receiver
            retries=retries,
            backoff=0.0,
        ),
        reclaim_after=timedelta(minutes=30),
        max_attempts=3,
    )


def prepare(engine: Engine, *playbooks: dict[str, Any], n_extra: int = 0) -> dict[str, int]:
    with transaction(session_factory(engine)) as session:
        ids = build_world(session, n_extra)
        for playbook in playbooks:
            save_playbook(session, validate_playbook(playbook))
    return ids
