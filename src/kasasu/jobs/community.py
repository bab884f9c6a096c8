"""The community's daily digest to each member who follows something, after the refresh of
today (where the CSMs' digests go, with the same mail settings). Each digest is claimed
under the unique key (contact, day) and committed, then sent, so a second run or worker
sends none again; one that could not be sent is released and the next run tries again
(see kasasu.jobs.digests for why the claim is committed before the send)."""

from __future__ import annotations

import logging
from datetime import date

from pydantic import BaseModel
from sqlalchemy import Engine

from kasasu.community.digest import claim_digest, digest_text, digests_due, release_digest
from kasasu.db import session_factory, transaction
from kasasu.jobs.digests import DigestConfig
from kasasu.kit.mail import DeliveryError, send_email

log = logging.getLogger("kasasu.community")


class CommunityDigestOutcome(BaseModel):
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # claimed by another run meanwhile


def send_community_digests(
    engine: Engine, today: date, config: DigestConfig
) -> CommunityDigestOutcome:
    """Send today's digest (yesterday's news) to every member who has not had it."""
    factory = session_factory(engine)
    with transaction(factory) as session:
        due = digests_due(session, today, config.reporting.zone)
    outcome = CommunityDigestOutcome()
    for digest in due:
        with transaction(factory, write=True) as session:
            if not claim_digest(session, digest.contact_id, today):
                outcome.skipped += 1
                continue
        subject, text = digest_text(digest, config.base_url)
        payload = {"to": [digest.email], "subject": subject, "body": text, "locale": digest.locale}
        try:
            send_email(payload, f"kasasu.community.digest.{digest.contact_id}.{today}",
                       config.delivery.mail)  # fmt: skip
        except DeliveryError as exc:
            with transaction(factory, write=True) as session:
                release_digest(session, digest.contact_id, today)
            outcome.failed += 1
            log.warning("community digest to contact %s not sent: %s", digest.contact_id, exc)
            continue
        outcome.sent += 1
    return outcome
