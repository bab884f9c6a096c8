"""In-app guides, first part: the environments a product's SDK sends from, and the events it
sends, taken only from an allowed origin and for a user whose identity the product's server
signed (HMAC-SHA256 with the environment's secret), so nobody can pose as another customer.
Events go to the event store with the script's id, so a batch sent twice is stored once."""

from __future__ import annotations

import secrets
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from kasasu.db.engine import Transactions
from kasasu.domain.choices import GuideKind
from kasasu.domain.guides import GUIDE_EVENTS
from kasasu.errors import Conflict, NotFound
from kasasu.events.schemas import EventIn
from kasasu.events.service import ingest_batch
from kasasu.guides.authoring import get_guide
from kasasu.guides.identity import verified
from kasasu.guides.progress import record_guide_events
from kasasu.guides.repository import EnvironmentRepository
from kasasu.guides.schemas import (
    EnvironmentCreate,
    EnvironmentRead,
    SdkAccepted,
    SdkAnswer,
    SdkAnswered,
    SdkBatch,
)
from kasasu.kit.i18n import _
from kasasu.kit.recent import Recent
from kasasu.models import SdkEnvironment
from kasasu.surveys.answers import Answer, answer_in_product


def create_environment(
    session: Session, data: EnvironmentCreate, keys: tuple[str, str] | None = None
) -> tuple[EnvironmentRead, str]:
    """A new environment and its secret (shown to whoever made it: the product's server
    signs identities with it). ``keys`` (public key, secret) only for the demo, whose data
    is the same on every run; otherwise both are random."""
    repo = EnvironmentRepository(session)
    if any(e.name == data.name for e in repo.listed()):
        raise Conflict(_("An environment named {name} exists already", name=data.name))
    public_key, secret = keys or ("pk_" + secrets.token_urlsafe(18), secrets.token_hex(32))
    made = repo.add(
        SdkEnvironment(
            name=data.name,
            public_key=public_key,
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


def accept_events(
    transaction: Transactions,
    events_path: Path,
    batch: SdkBatch,
    origin: str | None,
    checked: Recent[tuple[str, ...], tuple[int, int]] | None = None,
) -> SdkAccepted:
    """Store a batch from the script; refused alike (one message, so a caller learns
    nothing about which) for an unknown key, an origin not listed, a wrong signature or an
    unknown account.

    The one service that is handed its transactions instead of a session (DESIGN.md §3 has
    services never commit), because of the event store's batching: the identity is checked
    in a read transaction that ends before the events are written:
    a write waits for the batches gathered with it (events.gather) and holds no database
    connection meanwhile. ``checked`` remembers the identities that passed (environment and
    account ids) for its few seconds: the same key, origin, account, user and signature are
    not asked of the database again meanwhile. What the batch says of guides is recorded
    after, when it says any.
    """
    asked = (batch.environment, (origin or "").rstrip("/"), batch.account, batch.user,
             batch.signature or "")  # fmt: skip
    found = checked.get(asked) if checked is not None else None
    if found is None:
        who = transaction(lambda s: verified(s, batch, origin), write=False)
        found = (who.environment.id, who.account_id)
        if checked is not None:
            checked.put(asked, found)
    env_id, account_id = found
    events = [
        EventIn.model_validate(
            {
                "event_id": f"sdk:{env_id}:{e.id}",
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
    if any(e.name in GUIDE_EVENTS for e in batch.events):
        transaction(
            lambda s: record_guide_events(s, account_id, batch.user, batch.events),
            write=True,
        )
    return SdkAccepted(received=result.received, stored=result.inserted)


def answer_survey(
    session: Session, answer: SdkAnswer, origin: str | None, now: datetime
) -> SdkAnswered:
    """A micro-survey's answer from the product: for the contact ``answer.who`` of the
    account the product's server signed, to the campaign the guide asks; stored like the
    widget's (once per contact and campaign), the rest thanked and dropped."""
    who = verified(session, answer, origin)
    guide = get_guide(session, answer.guide)
    campaign = guide.published.survey if guide.published else None
    if guide.kind is not GuideKind.SURVEY or campaign is None:
        raise NotFound(_("No guide with the key {key}", key=answer.guide))
    page = answer_in_product(
        session,
        campaign,
        Answer(score=answer.score, comment=answer.comment, who=answer.who),
        now,
        who.account_id,
    )
    return SdkAnswered(stored=page.state == "thanks" and page.campaign is not None)
