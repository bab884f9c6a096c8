"""Guides end to end through the API: authored as a draft, published as a version, shown by
the SDK's question only to the users its targeting admits, within its caps; what the SDK
reports back reaches the report and ticks the onboarding step waiting for the guide."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api.context import ApiContext
from kasasu.health.features import RefreshConfig, compute_features, read_accounts
from kasasu.health.repository import SnapshotRepository
from kasasu.health.scorecards import parse_scorecard, save_scorecard
from kasasu.health.service import score_day
from kasasu.models import SurveyResponse
from kasasu.playbooks.actions import ACTION_KINDS, Started
from kasasu.segments.schemas import SegmentDefinition
from kasasu.segments.service import assign_segments, current_members, save_segment
from kasasu.warehouse.source import AnalyticsSource
from tests.surveys.conftest import file_config

APP = "https://app.example.jp"


@pytest.fixture
def api_context(api_context: ApiContext, tmp_path: Path) -> ApiContext:
    """Surveys configured: the micro-survey's campaign is made through the API."""
    return replace(api_context, surveys=file_config(tmp_path))


def _sign(secret: str, account: str, user: str) -> str:
    return hmac.new(secret.encode(), f"{account}:{user}".encode(), hashlib.sha256).hexdigest()


class Product:
    """The product's pages as the SDK speaks for them."""

    def __init__(self, client: TestClient, key: str, secret: str, ids: dict[str, int]) -> None:
        self.client, self.key, self.secret, self.ids = client, key, secret, ids
        self.sent: dict[str, int] = {}  # event id → its second, so a retry keeps its time

    def who(self, account: str, user: str) -> dict[str, Any]:
        signature = _sign(self.secret, account, user)
        return {"environment": self.key, "account": account, "user": user, "signature": signature}

    def guides(self, account: str, user: str, url: str = "/", **extra: Any) -> list[dict[str, Any]]:
        body = {**self.who(account, user), "url": url, **extra}
        answer = self.client.post("/sdk/guides", json=body, headers={"Origin": APP})
        assert answer.status_code == 200, answer.text
        assert answer.headers["access-control-allow-origin"] == APP
        return list(answer.json()["guides"])

    def _second(self, event_id: str) -> int:
        return self.sent.setdefault(event_id, len(self.sent))

    def report(self, account: str, user: str, *events: tuple[str, str, dict[str, Any]]) -> None:
        batch = {
            **self.who(account, user),
            "events": [
                {
                    "id": i,
                    "name": n,
                    "at": f"2026-12-04T01:00:{self._second(i):02d}Z",
                    "properties": p,
                }
                for i, n, p in events
            ],
        }
        sent = self.client.post("/sdk/events", json=batch, headers={"Origin": APP})
        assert sent.status_code == 202, sent.text


def _setup(admin_api: TestClient, sessions: sessionmaker[Session]) -> Product:
    ids = {}
    for ext, name, plan in [("ACC-1", "青森精機", "Pro"), ("ACC-2", "弘前物産", "Basic")]:
        made = admin_api.post("/accounts", json={"name": name, "external_id": ext, "plan": plan})
        assert made.status_code == 201, made.text
        ids[ext] = made.json()["id"]
    with sessions.begin() as session:
        save_segment(session, SegmentDefinition(name="pro-plan", rule='plan == "Pro"'))
        accounts = read_accounts(session)
        assign_segments(session, date(2026, 12, 3), [(a, {}) for a in accounts], accounts, {})
    env = admin_api.post("/sdk/environments", json={"name": "production", "origins": [APP]})
    made = env.json()
    return Product(admin_api, made["environment"]["public_key"], made["secret"], ids)


WALKTHROUGH = {
    "key": "setup-walkthrough",
    "name": "Setup walkthrough",
    "kind": "walkthrough",
    "environment": "production",
    "definition": {
        "steps": [
            {"selector": "#new-report", "title": {"ja": "レポート作成", "en": "New report"},
             "body": "Click **here**", "advance": "click"},
            {"selector": "#share", "title": "Share", "body": "<script>x()</script>"},
            {"selector": "#done", "title": "Done"},
        ],
        "targeting": {"segments": ["pro-plan"], "url": "/reports*"},
        "caps": {"max_shows": 2},
        "topic": ["レポート"],
    },
}  # fmt: skip


def test_a_published_walkthrough_shows_to_its_segment_only(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    product = _setup(admin_api, sessions)
    made = admin_api.post("/guides", json=WALKTHROUGH)
    assert made.status_code == 201, made.text
    token = admin_api.headers.pop("Authorization")
    assert product.guides("ACC-1", "u-1", "/reports") == []  # a draft shows to nobody
    admin_api.headers["Authorization"] = token
    published = admin_api.post("/guides/setup-walkthrough/publish")
    assert published.json()["published_version"] == 1
    del admin_api.headers["Authorization"]

    shown = product.guides("ACC-1", "u-1", "/reports/weekly", locale="ja")
    assert [g["key"] for g in shown] == ["setup-walkthrough"]
    steps = shown[0]["steps"]
    assert [s["title"] for s in steps] == ["レポート作成", "Share", "Done"]
    assert steps[0]["body_html"] == "<p>Click <strong>here</strong></p>"
    assert "<script>" not in steps[1]["body_html"]  # shown as text, never run
    assert steps[0]["advance"] == "click"
    assert product.guides("ACC-1", "u-1", "/settings") == []  # not its pages
    assert product.guides("ACC-2", "u-9", "/reports") == []  # not in the segment


def test_caps_completion_report_and_the_onboarding_step(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    product = _setup(admin_api, sessions)
    admin_api.post("/guides", json=WALKTHROUGH)
    admin_api.post("/guides/setup-walkthrough/publish")
    template = {
        "name": "self-serve",
        "title": "Self-serve",
        "stages": [
            {"title": "Start", "steps": [
                {"key": "walk", "title": "Walk the setup", "side": "customer", "due_days": 7,
                 "completion_event": "guide_completed:setup-walkthrough"},
            ]},
        ],
    }  # fmt: skip
    assert admin_api.post("/onboarding/templates", json=template).status_code in (200, 201)
    account = product.ids["ACC-1"]
    started = admin_api.post(f"/accounts/{account}/onboarding", json={"template": "self-serve"})
    assert started.status_code in (200, 201), started.text
    token = admin_api.headers.pop("Authorization")

    g = {"guide": "setup-walkthrough", "version": 1}
    # u-1 is shown it twice (its cap) and dismisses it; u-2 walks it to the end.
    product.report("ACC-1", "u-1", ("a1", "guide_shown", g), ("a2", "guide_shown", g))
    assert product.guides("ACC-1", "u-1", "/reports") == []  # 2 shows: the cap
    product.report("ACC-1", "u-2", ("b1", "guide_shown", g),
                   ("b2", "guide_step_completed", {**g, "step": 0}),
                   ("b3", "guide_step_completed", {**g, "step": 1}))  # fmt: skip
    # The same batch again (a retry) counts nothing twice.
    product.report("ACC-1", "u-2", ("b1", "guide_shown", g),
                   ("b2", "guide_step_completed", {**g, "step": 0}),
                   ("b3", "guide_step_completed", {**g, "step": 1}))  # fmt: skip
    product.report("ACC-1", "u-3", ("c1", "guide_shown", g), ("c2", "guide_dismissed", g))
    product.report("ACC-1", "u-2", ("b4", "guide_step_completed", {**g, "step": 2}),
                   ("b5", "guide_completed", g))  # fmt: skip
    assert product.guides("ACC-1", "u-2", "/reports") == []  # completed: not again
    admin_api.headers["Authorization"] = token

    plan = admin_api.get(f"/accounts/{account}/onboarding").json()
    assert [s["done_at"] is not None for s in plan["steps"]] == [True]
    report = admin_api.get("/guides/setup-walkthrough/report").json()
    # By hand: u-1 shown 2×, u-2 1×, u-3 1× → 3 users, 4 shows, 1 account; steps done:
    # step 1 by u-2 only (u-1 and u-3 never finished a step), likewise 2 and 3.
    assert (report["users_shown"], report["shows"], report["accounts_reached"]) == (3, 4, 1)
    assert [s["users"] for s in report["steps"]] == [1, 1, 1]
    assert (report["completed"], report["dismissed"]) == (1, 1)
    assert report["completion_rate"] == 1 / 3


def test_a_forged_identity_or_another_origin_gets_no_guides(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    product = _setup(admin_api, sessions)
    del admin_api.headers["Authorization"]
    forged = {**product.who("ACC-1", "u-1"), "user": "u-2"}
    refused = admin_api.post("/sdk/guides", json=forged, headers={"Origin": APP})
    assert refused.status_code == 403
    other = admin_api.post(
        "/sdk/guides", json=product.who("ACC-1", "u-1"), headers={"Origin": "https://evil.example"}
    )
    assert other.status_code == 403
    assert "access-control-allow-origin" not in other.headers


def test_publishing_needs_an_element_for_every_anchored_step(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    _setup(admin_api, sessions)
    broken = {**WALKTHROUGH, "definition": {"steps": [{"title": "No element"}],
              "targeting": {"segments": ["nobody"]}}}  # fmt: skip
    admin_api.post("/guides", json=broken)
    refused = admin_api.post("/guides/setup-walkthrough/publish")
    assert refused.status_code == 422
    where = {tuple(e["loc"]) for e in refused.json()["errors"]}
    assert ("steps", 0, "selector") in where
    assert ("targeting", "segments") in where
    assert admin_api.get("/guides/setup-walkthrough").json()["published_version"] is None


def test_a_checklist_lists_the_customer_side_steps(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    product = _setup(admin_api, sessions)
    admin_api.post("/guides", json={"key": "getting-started", "name": "Getting started",
                                    "kind": "checklist", "environment": "production"})  # fmt: skip
    admin_api.post("/guides/getting-started/publish")
    token = admin_api.headers.pop("Authorization")
    assert product.guides("ACC-1", "u-1") == []  # no plan: nothing to list
    admin_api.headers["Authorization"] = token
    account = product.ids["ACC-1"]
    template = {"name": "t", "title": "T", "stages": [{"title": "S", "steps": [
        {"key": "kick", "title": "Kick-off", "side": "cs", "due_days": 1},
        {"key": "invite", "title": {"ja": "メンバー招待", "en": "Invite your team"},
         "side": "customer", "due_days": 3},
    ]}]}  # fmt: skip
    admin_api.post("/onboarding/templates", json=template)
    admin_api.post(f"/accounts/{account}/onboarding", json={"template": "t"})
    contact = admin_api.post("/contacts", json={"account_id": account, "name": "佐藤 花子",
                                                "email": "hanako@example.jp"}).json()  # fmt: skip
    kickoff = {"kind": "kickoff", "title": "Kick-off", "starts_at": "2099-01-12T05:00:00Z",
               "place": "Zoom", "contact_ids": [contact["id"]]}  # fmt: skip
    made = admin_api.post(f"/accounts/{account}/onboarding/meetings", json=kickoff)
    assert made.status_code == 201, made.text
    del admin_api.headers["Authorization"]
    shown = product.guides("ACC-1", "u-1", locale="ja")
    assert [(i["title"], i["done"]) for i in shown[0]["items"]] == [("メンバー招待", False)]
    assert shown[0]["meetings"] == [
        {"title": "Kick-off", "starts_at": "2099-01-12T05:00:00Z", "place": "Zoom"}
    ]


def test_a_playbook_s_show_guide_reaches_only_the_account_it_fired_for(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    product = _setup(admin_api, sessions)
    comeback = {"key": "comeback", "name": "Come back", "kind": "modal",
                "environment": "production", "definition": {
                    "steps": [{"title": "Your reports are waiting"}],
                    "targeting": {"assigned_only": True}}}  # fmt: skip
    admin_api.post("/guides", json=comeback)
    admin_api.post("/guides/comeback/publish")
    del admin_api.headers["Authorization"]
    assert product.guides("ACC-1", "u-1") == []  # nobody assigned yet
    started = Started(
        action_id=1,
        kind="show_guide",
        payload={"account_id": product.ids["ACC-1"], "guide": "comeback", "days": 14,
                 "day": datetime.now(UTC).date().isoformat()},
        key="k",
    )  # fmt: skip
    with sessions.begin() as session:
        assert ACTION_KINDS["show_guide"].perform(session, started) == {  # type: ignore[misc]
            "assigned": True,
            "new": True,
            "guide": "comeback",
        }
    assert [g["key"] for g in product.guides("ACC-1", "u-1")] == ["comeback"]
    assert product.guides("ACC-2", "u-9") == []


def test_a_micro_survey_asks_its_audience_once_and_stores_the_answer(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    product = _setup(admin_api, sessions)
    contacts = {}
    for account, email in [("ACC-1", "hanako@aomori.example"), ("ACC-2", "taro@hirosaki.example")]:
        made = admin_api.post("/contacts", json={"account_id": product.ids[account], "name": email,
                                                 "email": email})  # fmt: skip
        contacts[account] = made.json()["id"]
    campaign = {"name": "in-app-nps", "kind": "nps", "channel_widget": True,
                "question_en": "How likely are you to recommend us?",
                "contacts": [contacts["ACC-1"], contacts["ACC-2"]]}  # fmt: skip
    assert admin_api.post("/surveys/campaigns", json=campaign).status_code == 201
    no_campaign = {"key": "nps-in-app", "name": "NPS", "kind": "survey",
                   "environment": "production"}  # fmt: skip
    admin_api.post("/guides", json=no_campaign)
    refused = admin_api.post("/guides/nps-in-app/publish")
    assert refused.status_code == 422  # a micro-survey names its campaign
    with_campaign = {"survey": "in-app-nps"}
    assert admin_api.put("/guides/nps-in-app/draft", json=with_campaign).status_code == 200
    assert admin_api.post("/guides/nps-in-app/publish").status_code == 200
    del admin_api.headers["Authorization"]

    traits = {"traits": {"email": "hanako@aomori.example"}, "locale": "en"}
    [shown] = product.guides("ACC-1", "u-1", **traits)
    assert shown["survey"] == {
        "campaign": "in-app-nps",
        "question": "How likely are you to recommend us?",
        "followup": shown["survey"]["followup"],
        "low": 0,
        "high": 10,
        "low_label": shown["survey"]["low_label"],
        "high_label": shown["survey"]["high_label"],
    }
    # Someone else's email, at ACC-1: not a contact of this account, nothing asked.
    assert product.guides("ACC-1", "u-2", traits={"email": "taro@hirosaki.example"}) == []

    def answer(account: str, user: str, who: str, score: int) -> dict[str, object]:
        body = {**product.who(account, user), "guide": "nps-in-app", "who": who, "score": score,
                "comment": "使いやすい"}  # fmt: skip
        sent = admin_api.post("/sdk/answers", json=body, headers={"Origin": APP})
        assert sent.status_code == 200, sent.text
        return dict(sent.json())

    # Posing as ACC-2's contact from ACC-1's signed user stores nothing.
    assert answer("ACC-1", "u-1", "taro@hirosaki.example", 3) == {"stored": False}
    assert answer("ACC-1", "u-1", "hanako@aomori.example", 9) == {"stored": True}
    assert answer("ACC-1", "u-1", "hanako@aomori.example", 2) == {"stored": False}  # once
    assert product.guides("ACC-1", "u-1", **traits) == []  # answered: not asked again
    forged = {**product.who("ACC-1", "u-1"), "signature": "0" * 64, "guide": "nps-in-app",
              "who": "hanako@aomori.example", "score": 1}  # fmt: skip
    assert admin_api.post("/sdk/answers", json=forged, headers={"Origin": APP}).status_code == 403
    with sessions() as session:
        stored = session.scalars(select(SurveyResponse)).all()
        assert [(r.contact_id, r.score, r.comment, r.campaign) for r in stored] == [
            (contacts["ACC-1"], 9, "使いやすい", "in-app-nps")
        ]


def test_guides_are_measures_for_scorecards_and_segments_not_usage(
    admin_api: TestClient, sessions: sessionmaker[Session], api_context: ApiContext
) -> None:
    """u-2 completes the walkthrough at ACC-1 and u-3 dismisses it; ACC-2 never sees it.
    By hand, on 2026-12-05 (Tokyo): ACC-1 completed 1 and dismissed 1 guide in the 90 days,
    guide.setup-walkthrough = 1; ACC-2 completed 0, no value for the guide (never shown).
    The five guide events are no use of the product: ACC-1 still never used it."""
    product = _setup(admin_api, sessions)
    for ext in product.ids:
        line = {"account_id": product.ids[ext], "product": "Pro", "amount": 10_000,
                "currency": "JPY", "start_date": "2026-04-01"}  # fmt: skip
        assert admin_api.post("/subscriptions", json=line).status_code == 201
    admin_api.post("/guides", json=WALKTHROUGH)
    admin_api.post("/guides/setup-walkthrough/publish")
    del admin_api.headers["Authorization"]
    g = {"guide": "setup-walkthrough", "version": 1}
    product.report("ACC-1", "u-2", ("b1", "guide_shown", g),
                   ("b2", "guide_step_completed", {**g, "step": 2}),
                   ("b3", "guide_completed", g))  # fmt: skip
    product.report("ACC-1", "u-3", ("c1", "guide_shown", g), ("c2", "guide_dismissed", g))

    day = date(2026, 12, 5)
    config = RefreshConfig(
        zone="Asia/Tokyo",
        currency="JPY",
        source=AnalyticsSource(events_path=api_context.events_path),
    )
    with sessions.begin() as session:
        stored = dict(compute_features(session, [day], config)[day])
    one, two = stored[product.ids["ACC-1"]], stored[product.ids["ACC-2"]]
    assert (one["guides_completed_90d"], one["guides_dismissed_90d"]) == (1, 1)
    assert one["guide.setup-walkthrough"] == 1
    assert (two["guides_completed_90d"], two["guides_dismissed_90d"]) == (0, 0)
    assert "guide.setup-walkthrough" not in two
    assert (one["events_30d"], one["features_used_30d"], one["never_used"]) == (0, 0, 1)

    with sessions.begin() as session:
        save_segment(
            session,
            SegmentDefinition(name="walked", rule='"setup-walkthrough" in guides_completed'),
        )
        accounts = read_accounts(session)
        members = assign_segments(session, day, list(stored.items()), accounts, {})
    assert members["walked"] == 1
    with sessions.begin() as session:
        assert current_members(session, "walked") == {product.ids["ACC-1"]}

    # A scorecard measuring the guide: 1 → 100 points, 0 → 0; never shown: no data, so
    # ACC-2 has no known weight and stays unknown.
    card = parse_scorecard(
        "name: default\nbands: {red_below: 40, green_from: 70}\nmeasures:\n"
        "  - metric: guide.setup-walkthrough\n    weight: 1\n"
        "    thresholds: [{up_to: 0, points: 0}, {points: 100}]\n",
        "card.yaml",
    )
    with sessions.begin() as session:
        save_scorecard(session, card)
        score_day(session, day)
        scores = {
            r.account_id: (r.score, r.band) for r in SnapshotRepository(session).scores_on(day)
        }
    assert scores[product.ids["ACC-1"]] == (100, "green")
    assert scores[product.ids["ACC-2"]] == (None, "unknown")
