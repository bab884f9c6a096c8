"""Health written back to the CRM after the refresh of today (docs/crm-write-back.md): the
accounts whose band, score, churn risk or CSM changed since the last delivery are POSTed to
KASASU_CRM__WEBHOOK_URL in batches, signed and retried as playbook webhooks are; each batch
is remembered once the receiver took it, so the next run sends only what changed again. A
batch that fails stops the run; its accounts stay changed, and the next run sends them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date

import httpx
from pydantic import BaseModel
from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.playbooks.delivery import Delivery, DeliveryError, post_webhook
from kasasu.workspace.crm import account_health
from kasasu.writeback.schemas import AccountHealth
from kasasu.writeback.service import changed_health, remember_sent

EVENT = "kasasu.health.changed"


@dataclass(frozen=True)
class WritebackConfig:
    url: str
    batch_size: int
    delivery: Delivery  # the webhook secret, allowed hosts and retries of playbook webhooks


class WritebackOutcome(BaseModel):
    changed: int = 0  # accounts whose health changed since they were last delivered
    sent: int = 0  # of them, delivered now
    batches: int = 0
    error: str | None = None  # why the run stopped before the end


def push_health(engine: Engine, today: date, config: WritebackConfig) -> WritebackOutcome:
    factory = session_factory(engine)
    with transaction(factory) as session:
        changed = changed_health(session, list(account_health(session, today)))
    outcome = WritebackOutcome(changed=len(changed))
    with httpx.Client() as client:
        delivery = replace(config.delivery, client=client)
        for start in range(0, len(changed), config.batch_size):
            batch = changed[start : start + config.batch_size]
            try:
                post_webhook(_payload(batch, config.url), _key(batch), delivery)
            except DeliveryError as exc:
                outcome.error = str(exc)
                break
            with transaction(factory, write=True) as session:
                remember_sent(session, batch, today)
            outcome.sent += len(batch)
            outcome.batches += 1
    return outcome


def _payload(batch: list[AccountHealth], url: str) -> dict[str, object]:
    return {
        "url": url,
        "body": {"event": EVENT, "accounts": [h.model_dump(mode="json") for h in batch]},
    }


def _key(batch: list[AccountHealth]) -> str:
    """The same accounts with the same health give the same Idempotency-Key, so a receiver
    can drop a batch delivered twice (a crash between its answer and the record)."""
    content = json.dumps([h.model_dump(mode="json") for h in batch], sort_keys=True)
    return "kasasu.health." + hashlib.sha256(content.encode()).hexdigest()[:32]
