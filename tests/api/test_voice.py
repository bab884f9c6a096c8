"""``/api/v1/voice``: key terms, comment search and churn reasons as JSON."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import SurveyKind
from kasasu.models import Account, SurveyResponse
from tests.support.queries import counted
from tests.voice.data import add_answers, add_cancellations


def test_key_terms_and_search(admin_api: TestClient, sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        add_answers(s)
        s.commit()
    r = admin_api.get("/voice/terms", params={"from": "2026-04-01", "to": "2026-04-30"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["answers"], body["detractors"], body["promoters"]) == (6, 3, 2)
    assert body["detractor_terms"][0]["term"] == "遅い"
    assert body["themes"][0] == {
        "theme": "support",
        "labels": {"ja": "サポート対応", "en": "Support"},
        "detractors": 2,
        "promoters": 1,
    }
    found = admin_api.get("/voice/comments", params={"q": "サポートの対応"}).json()
    assert [h["comment"] for h in found["items"]] == ["サポートの対応が遅くて困っています"]
    assert found["items"][0]["score"] == 3
    assert found["next_cursor"] is None


def test_bad_parameters_are_named(admin_api: TestClient) -> None:
    r = admin_api.get("/voice/terms", params={"kind": "ces"})
    assert r.status_code == 422
    r = admin_api.get("/voice/comments", params={"q": "の"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["query", "q"]
    r = admin_api.get("/voice/reasons", params={"from": "2025/05", "to": "2025-05"})
    assert r.status_code == 422


def test_churn_reasons(admin_api: TestClient, sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        add_cancellations(s)
        s.commit()
    r = admin_api.get("/voice/reasons", params={"from": "2025-05", "to": "2025-05"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["accounts"], body["mrr"], body["currency"]) == (4, 110_000, "JPY")
    assert body["reasons"][0] == {"reason": "price", "accounts": 2, "mrr": 80_000}
    assert [t["theme"] for t in body["themes"]][:2] == ["none", "price"]


def test_a_viewer_may_read(api: TestClient, sessions: sessionmaker[Session]) -> None:
    from kasasu.domain.choices import Role
    from tests.conftest import make_key

    api.headers["Authorization"] = f"Bearer {make_key(sessions, Role.VIEWER)}"
    assert api.get("/voice/terms").status_code == 200
    del api.headers["Authorization"]
    assert api.get("/voice/terms").status_code == 401


def _search_queries(api: TestClient, connection: Connection) -> int:
    api.get("/voice/comments", params={"q": "遅い"})  # warm: the key's last_used_at
    with counted(connection) as statements:
        assert api.get("/voice/comments", params={"q": "遅い"}).status_code == 200
    return len(statements)


def test_search_costs_the_same_for_few_or_many_comments(
    admin_api: TestClient, sessions: sessionmaker[Session], connection: Connection
) -> None:
    with sessions() as s:
        add_answers(s)
        s.commit()
    few = _search_queries(admin_api, connection)
    with sessions() as s:
        for i in range(60):
            s.add(
                SurveyResponse(
                    external_id=f"MANY-{i}",
                    account_id=s.scalars(select(Account.id)).first(),
                    kind=SurveyKind.NPS,
                    score=i % 11,
                    comment="動作が遅い",
                    answered_at=datetime(2026, 5, 1, tzinfo=UTC),
                )
            )
        s.commit()
    assert _search_queries(admin_api, connection) == few
    assert few <= 2  # the key, one batch of comments with their accounts
