"""The members' daily digest through the local SMTP server: what they follow, by others,
on the day before; once per contact and day however often it runs."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine

from kasasu.community.members import follow
from kasasu.community.posting import create_post, create_reply
from kasasu.community.schemas import PostCreate, ReplyCreate
from kasasu.db import session_factory, transaction
from kasasu.domain.reporting import Reporting
from kasasu.jobs.community import send_community_digests
from kasasu.jobs.digests import DigestConfig
from tests.community.data import add_world, loose_guard
from tests.playbooks.conftest import Mailbox
from tests.playbooks.runner import setup

TODAY = date(2026, 6, 2)
YESTERDAY = datetime(2026, 6, 1, 3, tzinfo=UTC)  # 12:00 on 1 June in Tokyo


def test_the_digest_goes_once_per_contact_and_day(
    sqlite_engine: Engine, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    guard = loose_guard()
    with transaction(session_factory(sqlite_engine), write=True) as s:
        world = add_world(s)
        before = datetime(2026, 5, 30, 3, tzinfo=UTC)
        mine = create_post(s, world.alice, PostCreate(space_id=world.howto, title="請求書の質問",
                           body="?"), before, guard=guard).post_id  # fmt: skip
        follow(s, world.alice.contact_id, space_id=world.ideas)
        create_post(s, world.bob, PostCreate(space_id=world.ideas, kind="discussion",
                    title="Slack 連携の要望", body="!"), YESTERDAY, guard=guard)  # fmt: skip
        for body in ("回答です", "補足です"):
            create_reply(s, world.carol, mine, ReplyCreate(kind="comment", body=body),
                         YESTERDAY, guard=guard)  # fmt: skip
        create_reply(s, world.alice, mine, ReplyCreate(kind="comment", body="ありがとう"),
                     YESTERDAY, guard=guard)  # fmt: skip  # her own: not news to her
        alice_email = f"alice-{world.alice.contact_id}"
    delivery = setup(port, tmp_path).delivery
    config = DigestConfig(reporting=Reporting(zone="Asia/Tokyo", locale="ja"), renewal_days=30,
                          base_url="https://portal.example", delivery=delivery)  # fmt: skip
    first = send_community_digests(sqlite_engine, TODAY, config)
    # Alice (her thread, a space she follows); carol follows alice's thread and has news of
    # alice's reply; bob follows only his own thread, with nothing new by others.
    assert (first.sent, first.failed) == (2, 0)
    by_to = {m["To"].split("@")[0].split("-")[0]: m for m in mailbox.messages}
    text = by_to["alice"].get_content()
    assert by_to["alice"]["Subject"] == "コミュニティダイジェスト：新着のあるスレッド 2 件"
    assert "新しい返信 2 件：請求書の質問" in text
    assert "新しいスレッド：Slack 連携の要望" in text
    assert f"https://portal.example/portal/community/posts/{mine}" in text
    assert "新しい返信 1 件：請求書の質問" in by_to["carol"].get_content()
    for _ in range(2):
        assert send_community_digests(sqlite_engine, TODAY, config).sent == 0
    assert len(mailbox.messages) == 2
    assert alice_email
