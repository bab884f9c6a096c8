"""The daily digest per CSM (tests/jobs/digest_data.py): exact lines by email (Aoki, ja) and
in a Teams card (Baba, en), none for those who want none, own no account or left; once a
day however often the job runs; one that failed is tried again by the next run."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import Engine, func, select

from kasasu.db import session_factory, transaction
from kasasu.jobs.digests import DigestConfig, _deliver, send_digests
from kasasu.models import DigestDelivery
from kasasu.settings import Settings
from kasasu.settings.sections import MailSettings, PlaybookSettings
from kasasu.wiring import digest_config
from kasasu.workspace.digest import digests_due
from tests.jobs.digest_data import TODAY, add_digest_book
from tests.playbooks.conftest import SECRET, Mailbox, RawReceiver, raw_receiver, smtp, sqlite_engine

__all__ = ["raw_receiver", "smtp", "sqlite_engine"]  # the fixtures this module uses

AOKI_TEXT = """Aoki さん、今日のまとめです。

赤の顧客: 2件
- 株式会社D1（スコア 25、解約リスク 62.0%）
- 株式会社D2（スコア 35）

30日以内の更新: 1件
- 株式会社D1 2026/03/31 MRR ￥100,000

今日までが期日のタスク: 3件（うち期限切れ 1件）
- 【期限切れ】task T1（株式会社D1）期日 2026/03/09
- task T2（株式会社D2）期日 2026/03/10
- task T3 期日 2026/03/10

Kasasu を開く: http://kasasu.test/
"""
# D1: ¥1,200,000 a year is ¥100,000 a month; 0.62 is 62.0%. D5: ¥120,000 / 12 = ¥10,000.
BABA_LINES = [
    "Hello Baba, here is your day.",
    "Red accounts: 1",
    "- 株式会社D5 (score 30, churn risk 20.0%)",
    "Renewals in the next 30 days: 1",
    "- 株式会社D5 on Mar 20, 2026, MRR ¥10,000",
    "Tasks due today or overdue: 1 (1 overdue)",
    "- [overdue] task T7 (株式会社D5), due Mar 8, 2026",
    "Open Kasasu: http://kasasu.test/",
]


def _config(smtp_port: int, data_dir: Path, retries: int = 1) -> DigestConfig:
    return digest_config(
        Settings(
            data_dir=data_dir,
            locale="ja",
            dev_mode=False,
            mail=MailSettings(backend="smtp", host="127.0.0.1", port=smtp_port, sender="cs@v.jp"),
            playbooks=PlaybookSettings(
                base_url="http://kasasu.test",
                webhook_secret=SecretStr(SECRET),
                webhook_hosts="127.0.0.1",
                retries=retries,
                backoff=0.0,
            ),
        )
    )


def _recorded(engine: Engine) -> int:
    with transaction(session_factory(engine)) as session:
        return int(session.scalar(select(func.count()).select_from(DigestDelivery)) or 0)


def test_each_csm_gets_their_digest_once_a_day(
    sqlite_engine: Engine,
    smtp: tuple[Mailbox, int],
    raw_receiver: tuple[RawReceiver, str],
    tmp_path: Path,
) -> None:
    mailbox, port = smtp
    hook, base = raw_receiver
    hook.fail_first = 1  # Baba's Teams webhook answers 503 once: retried
    with transaction(session_factory(sqlite_engine)) as session:
        add_digest_book(session, f"{base}/baba-teams")
    config = _config(port, tmp_path)
    outcome = send_digests(sqlite_engine, TODAY, config)
    assert (outcome.sent, outcome.failed, outcome.skipped) == (2, 0, 0)

    [mail] = mailbox.messages
    assert mail["To"] == "aoki@example.com"
    assert mail["Subject"] == "Kasasu 今日のまとめ（2026/03/10）"
    assert mail["Content-Language"] == "ja"
    assert mail.get_content().replace("\r\n", "\n") == AOKI_TEXT  # SMTP sends CRLF

    assert hook.requests == 2
    [post] = hook.posts
    assert post.path == "/baba-teams"
    card = json.loads(post.body)["attachments"][0]["content"]
    assert [b["text"] for b in card["body"]] == ["Your Kasasu digest for Mar 10, 2026", *BABA_LINES]

    again = send_digests(sqlite_engine, TODAY, config)
    assert (again.sent, again.failed, again.skipped) == (0, 0, 0)
    assert (len(mailbox.messages), len(hook.posts), _recorded(sqlite_engine)) == (1, 1, 2)


def test_a_digest_that_could_not_go_is_sent_by_the_next_run(
    sqlite_engine: Engine,
    smtp: tuple[Mailbox, int],
    raw_receiver: tuple[RawReceiver, str],
    tmp_path: Path,
) -> None:
    _mailbox, port = smtp
    hook, base = raw_receiver
    hook.fail_first = 2  # the first try and its one retry fail
    with transaction(session_factory(sqlite_engine)) as session:
        ids = add_digest_book(session, f"{base}/baba-teams")
    config = _config(port, tmp_path, retries=1)
    first = send_digests(sqlite_engine, TODAY, config, only=ids["Baba"])
    assert (first.sent, first.failed) == (0, 1)
    assert first.errors == {"baba@example.com": "HTTP 503"}
    assert _recorded(sqlite_engine) == 0
    second = send_digests(sqlite_engine, TODAY, config, only=ids["Baba"])
    assert (second.sent, second.failed) == (1, 0)
    assert len(hook.posts) == 1


def test_a_second_worker_with_the_same_list_sends_nothing(
    sqlite_engine: Engine, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    """Two workers that both listed Aoki's digest before either sent it: the unique key
    (person, day) lets the first send it, and the second finds it recorded."""
    mailbox, port = smtp
    with transaction(session_factory(sqlite_engine)) as session:
        ids = add_digest_book(session, "http://127.0.0.1:9/unused")
    config = _config(port, tmp_path)
    reporting = replace(config.reporting, on=TODAY)
    with transaction(session_factory(sqlite_engine)) as session:
        [listed] = digests_due(session, reporting, 30, only=ids["Aoki"])
    factory = session_factory(sqlite_engine)
    first = _deliver(factory, listed, config.base_url, config.delivery)
    second = _deliver(factory, listed, config.base_url, config.delivery)
    assert (first, second) == (None, "")  # sent; another had it
    assert len(mailbox.messages) == 1
    assert _recorded(sqlite_engine) == 1
