"""Chat messages from playbooks (``type: notify``): Microsoft Teams (an Adaptive Card in a
Workflows webhook's envelope), Chatwork (its API's form, with the token header) and Slack,
each received by a local server exactly as written below, retried on 5xx, sent once."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from urllib.parse import parse_qs

from pydantic import SecretStr
from sqlalchemy import Engine, select

from kasasu.db import session_factory, transaction
from kasasu.jobs.playbooks import run_playbooks
from kasasu.models import PlaybookAction
from kasasu.playbooks.actions import describe
from tests.playbooks.conftest import Mailbox, RawReceiver
from tests.playbooks.runner import HELLO, prepare, setup
from tests.playbooks.world import DAY

TEXT = {"ja": "{{ account.name }} が赤になりました\n{{ link }}", "en": "{{ account.name }} is red"}


def _notify(*channels: str) -> dict[str, object]:
    playbook = copy.deepcopy(HELLO)
    playbook["when"] = 'plan == "Pro" and band == "red" and mrr > 100000'  # P1 alone (佐藤, ja)
    playbook["actions"] = [{"type": "notify", "channel": c, "text": TEXT} for c in channels]
    return playbook


def test_teams_chatwork_and_slack_receive_exactly_this(
    sqlite_engine: Engine,
    smtp: tuple[Mailbox, int],
    raw_receiver: tuple[RawReceiver, str],
    tmp_path: Path,
) -> None:
    hook, base = raw_receiver
    hook.fail_first = 1  # the first POST (Teams) answers 503 once, then goes through
    ids = prepare(sqlite_engine, _notify("teams", "chatwork", "slack"))
    config = setup(
        smtp[1],
        tmp_path,
        teams_url=f"{base}/teams",
        slack_url=f"{base}/slack",
        chatwork_api=f"{base}/v2",
        chatwork_token=SecretStr("cw-token-123"),
        chatwork_room="424242",
    )
    outcome = run_playbooks(sqlite_engine, DAY, config)
    assert (outcome.fired, outcome.done, outcome.failed) == (1, 3, 0)
    assert hook.requests == 4  # 3 messages + 1 retry
    teams, chatwork, slack = hook.posts
    # 佐藤 reads Japanese: the playbook's title (挨拶) and the Japanese text, a line each.
    line1, line2 = "P1 株式会社 が赤になりました", f"http://kasasu.test/accounts/{ids['P1']}"

    assert teams.path == "/teams"
    assert teams.headers["Content-Type"] == "application/json; charset=utf-8"
    assert json.loads(teams.body) == {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": {
                    "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                    "type": "AdaptiveCard",
                    "version": "1.4",
                    "body": [
                        {
                            "type": "TextBlock",
                            "text": "挨拶",
                            "weight": "Bolder",
                            "size": "Medium",
                            "wrap": True,
                        },
                        {"type": "TextBlock", "text": line1, "wrap": True},
                        {"type": "TextBlock", "text": line2, "wrap": True},
                    ],
                },
            }
        ],
    }

    assert chatwork.path == "/v2/rooms/424242/messages"
    assert chatwork.headers["X-ChatWorkToken"] == "cw-token-123"
    assert chatwork.headers["Content-Type"] == "application/x-www-form-urlencoded"
    expected = f"[info][title]挨拶[/title]{line1}\n{line2}[/info]"
    assert parse_qs(chatwork.body.decode()) == {"body": [expected]}
    # The form's bytes: "[" is %5B, "]" %5D, a space "+", the newline %0A, "/" %2F.
    assert chatwork.body.startswith(
        b"body=%5Binfo%5D%5Btitle%5D%E6%8C%A8%E6%8B%B6%5B%2Ftitle%5DP1+"
    )
    assert b"%0Ahttp%3A%2F%2Fkasasu.test%2Faccounts%2F" in chatwork.body

    assert slack.path == "/slack"
    assert json.loads(slack.body) == {"text": f"*挨拶*\n{line1}\n{line2}"}
    assert "X-Kasasu-Signature" not in slack.headers  # chat services do not read it

    again = run_playbooks(sqlite_engine, DAY, config)
    assert (again.fired, again.done) == (0, 0)
    assert len(hook.posts) == 3


def test_a_channel_without_a_destination_is_skipped_and_says_why(
    sqlite_engine: Engine,
    smtp: tuple[Mailbox, int],
    raw_receiver: tuple[RawReceiver, str],
    tmp_path: Path,
) -> None:
    hook, base = raw_receiver
    prepare(sqlite_engine, _notify("teams", "chatwork"))
    # A Chatwork room but no token; no Teams URL.
    config = setup(smtp[1], tmp_path, chatwork_api=f"{base}/v2", chatwork_room="1")
    outcome = run_playbooks(sqlite_engine, DAY, config)
    assert (outcome.fired, outcome.done, outcome.failed) == (1, 0, 0)
    with transaction(session_factory(sqlite_engine)) as session:
        actions = session.scalars(select(PlaybookAction).order_by(PlaybookAction.position)).all()
    assert [(a.status, a.error) for a in actions] == [
        ("skipped", "Teams の Webhook URL が設定されていません（KASASU_PLAYBOOKS__TEAMS_URL）"),
        (
            "skipped",
            "Chatwork の API トークンが設定されていません（KASASU_PLAYBOOKS__CHATWORK_TOKEN）",
        ),
    ]
    assert hook.requests == 0


def test_a_chatwork_server_failing_every_time_fails_the_action_after_the_retries(
    sqlite_engine: Engine,
    smtp: tuple[Mailbox, int],
    raw_receiver: tuple[RawReceiver, str],
    tmp_path: Path,
) -> None:
    hook, base = raw_receiver
    hook.fail_first = 100
    prepare(sqlite_engine, _notify("chatwork"))
    config = setup(
        smtp[1],
        tmp_path,
        retries=2,
        chatwork_api=f"{base}/v2",
        chatwork_token=SecretStr("t"),
        chatwork_room="7",
    )
    outcome = run_playbooks(sqlite_engine, DAY, config)
    assert (outcome.done, outcome.failed) == (0, 1)
    assert hook.requests == 3  # the first try and 2 retries
    with transaction(session_factory(sqlite_engine)) as session:
        action = session.scalars(select(PlaybookAction)).one()
    assert (action.error, action.result) == ("HTTP 503", {"tries": 3})


def test_describe_names_the_channel_and_the_first_line() -> None:
    payload = {"channel": "teams", "title": "Hello", "text": "P1 is red\nhttp://x"}
    assert describe("notify", payload, None, "en") == "Microsoft Teams message: P1 is red"
    assert describe("notify", payload, None, "ja") == "Microsoft Teams への通知: P1 is red"
