"""Without KASASU_CONNECTORS__STRIPE_WEBHOOK_SECRET, /webhooks/stripe refuses every delivery
(503, in the reader's language) and stores nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.api.context import ApiContext
from kasasu.api.webhooks import create_webhooks
from kasasu.models import ConnectorEvent
from tests.connectors import stripe_events as se


def test_no_secret_no_delivery(api_context: ApiContext, sessions: sessionmaker[Session]) -> None:
    payload = se.story()["evt_2"]
    with TestClient(create_webhooks(api_context)) as client:
        answer = client.post(
            "/stripe",
            content=payload,
            headers={**se.signed(payload), "Accept-Language": "ja"},
        )
    assert answer.status_code == 503
    assert "Webhook が設定されていません" in answer.json()["detail"]
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(ConnectorEvent)) == 0
