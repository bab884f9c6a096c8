"""In-app guides, first part: the environments a product's SDK sends from, and the events it
sends, taken only from an allowed origin and for a user whose identity the product's server
signed (HMAC-SHA256 with the environment's secret), so nobody can pose as another customer.
Events go to the event store with the script's id, so a batch sent twice is stored once."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from sqlalchemy.orm import Session

from kasasu.accounts.service import account_ids
from kasasu.errors import Conflict, PermissionDenied
from kasasu.events.schemas import EventIn
from kasasu.events.service import ingest_batch
from kasasu.guides.repository import EnvironmentRepository
from kasasu.guides.schemas import EnvironmentCreate, EnvironmentRead, SdkAccepted, SdkBatch
from kasasu.kit.i18n import _
from kasasu.models import SdkEnvironment


def create_environment(session: Session, data: EnvironmentCreate) -> tuple[EnvironmentRead, str]:
    """A new environment and its secret (shown to whoever made it: the product's server
    signs identities with it)."""
    repo = EnvironmentRepository(session)
    if any(e.name == data.name for e in repo.listed()):
        raise Conflict(_("An environment named {name} exists already", name=data.name))
    secret = secrets.token_hex(32)
    made = repo.add(
        SdkEnvironment(
            name=data.name,
            public_key="pk_" + secrets.token_urlsafe(18),
            secret=secret,
            origins=list(data.origins),
        )
    )
    return EnvironmentRead.model_validate(made), secret


def list_environments(session: Session) -> list[EnvironmentRead]:
    return [EnvironmentRead.model_validate(e) for e in EnvironmentRepository(session).listed()]


def origin_listed(session: Session, origin: str | None) -> str | None:
    """``origin`` when an enabled environment lists it (a preflight names no environment)."""
    origin = (origin or "").rstrip("/")
    listed = {o for e in EnvironmentRepository(session).listed() if e.enabled for o in e.origins}
    return origin if origin in listed else None


def signature_of(secret: str, account: str, user: str) -> str:
    """What the product's server computes for a user (docs/sdk.md)."""
    return hmac.new(secret.encode(), f"{account}:{user}".encode(), hashlib.sha256).hexdigest()


def accept_events(
    session: Session, events_path: Path, batch: SdkBatch, origin: str | None
) -> SdkAccepted:
    """Store a batch from the script; refused alike (one message, so a caller learns
    nothing about which) for an unknown key, an origin not listed, a wrong signature or an
    unknown account."""
    env = EnvironmentRepository(session).by_public_key(batch.environment)
    refused = PermissionDenied(_("These events are not accepted"))
    if env is None or not env.enabled or (origin or "").rstrip("/") not in env.origins:
        raise refused
    expected = signature_of(env.secret, batch.account, batch.user)
    if not batch.signature or not hmac.compare_digest(expected, batch.signature.lower()):
        raise refused
    if not account_ids(session, [batch.account]):
        raise refused
    events = [
        EventIn.model_validate(
            {
                "event_id": f"sdk:{env.id}:{e.id}",
                "account_id": batch.account,
                "user_id": batch.user,
                "event": e.name,
                "timestamp": e.at,
                "properties": {**e.properties, **({"url": e.url} if e.url else {})},
            }
        )
        for e in batch.events
    ]
    result = ingest_batch(events_path, events)
    return SdkAccepted(received=result.received, stored=result.inserted)
