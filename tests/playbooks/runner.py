"""Shared set-up for the tests that run playbooks for real."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.jobs.playbooks import PlaybookSetup
from kasasu.playbooks.definitions import validate_playbook
from kasasu.playbooks.service import save_playbook
from kasasu.settings import Settings
from kasasu.settings.sections import MailSettings, PlaybookSettings
from kasasu.wiring import playbook_setup
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


def setup(smtp_port: int, data_dir: Path, retries: int = 3, **chat: Any) -> PlaybookSetup:
    """As ``kasasu serve`` and ``kasasu refresh`` build it from the settings: mail to the
    local SMTP server, webhooks signed with SECRET and allowed to reach the local receiver
    on loopback through KASASU_PLAYBOOKS__WEBHOOK_HOSTS; ``chat``: more playbook settings
    (teams_url, chatwork_token …)."""
    settings = Settings(
        data_dir=data_dir,
        timezone="Asia/Tokyo",
        currency="JPY",
        locale="ja",
        dev_mode=False,
        mail=MailSettings(backend="smtp", host="127.0.0.1", port=smtp_port, sender="cs@vendor.jp"),
        playbooks=PlaybookSettings(
            base_url="http://kasasu.test",
            webhook_secret=SecretStr(SECRET),
            webhook_hosts="127.0.0.1",
            retries=retries,
            backoff=0.0,
            **chat,
        ),
    )
    return playbook_setup(settings)


def prepare(engine: Engine, *playbooks: dict[str, Any], n_extra: int = 0) -> dict[str, int]:
    with transaction(session_factory(engine)) as session:
        ids = build_world(session, n_extra)
        for playbook in playbooks:
            save_playbook(session, validate_playbook(playbook))
    return ids
