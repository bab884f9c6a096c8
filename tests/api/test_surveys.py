"""Survey campaigns through the API, and the widget's endpoints with their CORS rules."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api import create_api
from kasasu.api.context import ApiContext
from kasasu.surveys.config import SurveyConfig
from tests.surveys.conftest import World, committed_world, file_config, response_count

SITE = "https://app.customer.example"


@pytest.fixture
def config(tmp_path: Path) -> SurveyConfig:
    return file_config(tmp_path, widget_origins=(SITE, "http://127.0.0.1:9"))


@pytest.fixture
def api(api_context: ApiContext, config: SurveyConfig) -> Iterator[TestClient]:
    app = create_api(replace(api_context, surveys=config))
    with TestClient(app, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return committed_world(sessions)


def test_create_send_and_read_results(admin_api: TestClient, world: World) -> None:
    created = admin_api.post(
        "/surveys/campaigns", json={"name": "api-nps", "segment": "all", "channel_widget": True}
    )
    assert created.status_code == 201, created.text
    assert created.json()["throttle_days"] == 90
    dry = admin_api.post("/surveys/campaigns/api-nps/send", params={"dry_run": True}).json()
    assert (dry["dry_run"], dry["invited"], dry["sent"]) == (True, 3, 0)
    sent = admin_api.post("/surveys/campaigns/api-nps/send").json()
    assert (sent["invited"], sent["sent"]) == (3, 3)
    again = admin_api.post("/surveys/campaigns/api-nps/send").json()
    assert again["sent"] == 0
    assert [c["name"] for c in admin_api.get("/surveys/campaigns").json()] == ["api-nps"]
    results = admin_api.get("/surveys/campaigns/api-nps/results").json()
    assert (results["total"]["sent"], results["total"]["answers"]) == (3, 0)
    assert results["total"]["response_rate"] == 0
    missing = admin_api.get("/surveys/campaigns/nope/results")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def _widget_campaign(admin_api: TestClient) -> str:
    body = {"name": "w", "contacts": ["jane@acme.com"], "channel_widget": True, "kind": "csat"}
    return str(admin_api.post("/surveys/campaigns", json=body).json()["public_id"])


def test_the_widget_answers_from_a_listed_origin_only(
    admin_api: TestClient, world: World, sessions: sessionmaker[Session]
) -> None:
    public_id = _widget_campaign(admin_api)
    script = admin_api.get("/widget.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "/widget/answer" in script.text

    preflight = admin_api.options(
        "/widget/answer",
        headers={"Origin": SITE, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == SITE
    assert "POST" in preflight.headers["access-control-allow-methods"]
    wrong = admin_api.options("/widget/answer", headers={"Origin": "https://evil.example"})
    assert wrong.status_code == 403
    assert "access-control-allow-origin" not in wrong.headers

    question = admin_api.get(f"/widget/campaigns/{public_id}?lang=ja", headers={"Origin": SITE})
    assert question.json()["scale"] == [1, 2, 3, 4, 5]
    assert question.json()["question"] == "当社のサービスにどのくらい満足していますか？"

    answer = {"campaign": public_id, "contact": "jane@acme.com", "score": 4, "comment": "good"}
    for origin in ("https://evil.example", None):
        headers = {"Origin": origin} if origin else {}
        refused = admin_api.post("/widget/answer", json=answer, headers=headers)
        assert refused.status_code == 403
        assert refused.headers["content-type"] == "application/problem+json"
    assert response_count(sessions) == 0

    done = admin_api.post("/widget/answer", json=answer, headers={"Origin": SITE})
    assert done.status_code == 200
    assert done.json() == {"status": "thanks"}
    assert done.headers["access-control-allow-origin"] == SITE
    twice = admin_api.post("/widget/answer", json=answer, headers={"Origin": SITE})
    assert twice.json() == {"status": "answered"}
    assert response_count(sessions) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"score": 6},
        {"score": 0},
        {"score": None},
        {"comment": "x" * 2001},
        {"contact": "stranger@example.com"},
    ],
)
def test_the_widget_refuses_bad_answers_with_nothing_stored(
    admin_api: TestClient, world: World, sessions: sessionmaker[Session], change: dict[str, object]
) -> None:
    public_id = _widget_campaign(admin_api)
    answer = {"campaign": public_id, "contact": "jane@acme.com", "score": 4, **change}
    refused = admin_api.post("/widget/answer", json=answer, headers={"Origin": SITE})
    assert refused.status_code == 422
    assert refused.headers["access-control-allow-origin"] == SITE
    assert refused.json()["errors"]
    assert response_count(sessions) == 0


def test_an_unknown_campaign_is_404(admin_api: TestClient, world: World) -> None:
    answer = {"campaign": "nope", "contact": "jane@acme.com", "score": 4}
    assert (
        admin_api.post("/widget/answer", json=answer, headers={"Origin": SITE}).status_code == 404
    )
