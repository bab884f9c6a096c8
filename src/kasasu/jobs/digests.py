"""The daily digest to each CSM, after the refresh of today (and by ``kasasu digests send``):
by email through the mail settings, or to Slack, Microsoft Teams or Chatwork as each person
chose. Each digest is first recorded under the unique key (person, day) and committed, then
sent, so a second run or a second worker (which finds the record, or waits for its commit
and then finds it) sends none again; one that could not be sent is forgotten, and the next
run tries it again. The record is committed before the send rather than with it so that no
write lock is held while a chat service answers (SQLite has one writer); a process killed
between the two loses that person's digest of the day, and never sends it twice."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date

import httpx
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kasasu.db import session_factory, transaction
from kasasu.digests.service import claim_digest, release_digest
from kasasu.domain.reporting import Reporting
from kasasu.playbooks.delivery import Delivery, DeliveryError, post_chat, send_email
from kasasu.workspace.digest import Digest, digests_due
from kasasu.workspace.digest_text import digest_message

log = logging.getLogger("kasasu.digests")


@dataclass(frozen=True)
class DigestConfig:
    reporting: Reporting  # the currency, zone and default language
    renewal_days: int
    base_url: str  # the link at the end of each digest
    delivery: Delivery  # the mail settings, the chat destinations and the retries


class DigestOutcome(BaseModel):
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # sent by another worker meanwhile
    errors: dict[str, str] = Field(default_factory=dict, description="Email → why it failed")


def send_digests(
    engine: Engine, today: date, config: DigestConfig, *, only: int | None = None
) -> DigestOutcome:
    """Send today's digest to every CSM who has not had it (``only``: that user alone)."""
    factory = session_factory(engine)
    reporting = replace(config.reporting, on=today)
    with transaction(factory) as session:
        due = digests_due(session, reporting, config.renewal_days, only=only)
    outcome = DigestOutcome()
    with httpx.Client() as client:
        delivery = replace(config.delivery, client=client)
        for digest in due:
            error = _deliver(factory, digest, config.base_url, delivery)
            if error is None:
                outcome.sent += 1
            elif error == "":
                outcome.skipped += 1
            else:
                outcome.failed += 1
                outcome.errors[digest.email] = error
                log.warning("digest to %s not sent: %s", digest.email, error)
    return outcome


def _deliver(
    factory: sessionmaker[Session], digest: Digest, base_url: str, delivery: Delivery
) -> str | None:
    """None when sent; "" when another run recorded it first; else why it failed."""
    subject, text = digest_message(digest, base_url)
    channel = digest.preference.channel
    key = f"kasasu.digest.{digest.user_id}.{digest.today.isoformat()}"
    with transaction(factory, write=True) as session:
        if not claim_digest(session, digest.user_id, digest.today, channel):
            return ""
    try:
        if channel == "email":
            mail = {"to": [digest.email], "subject": subject, "body": text}
            send_email({**mail, "locale": digest.locale}, key, delivery.mail)
        else:
            chat = {"channel": channel, "title": subject, "text": text}
            post_chat({**chat, "target": digest.preference.target}, key, delivery)
    except DeliveryError as exc:
        with transaction(factory, write=True) as session:
            release_digest(session, digest.user_id, digest.today)  # the next run tries again
        return str(exc)
    return None
