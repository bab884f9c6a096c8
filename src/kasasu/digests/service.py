"""Where each person wants their digest, and the record that makes it go once a day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kasasu.digests.repository import DigestDeliveryRepository, DigestPreferenceRepository
from kasasu.digests.schemas import DigestPreferenceRead, DigestPreferenceUpdate
from kasasu.errors import NotFound
from kasasu.kit.i18n import _
from kasasu.models import DigestPreference
from kasasu.users.service import get_user


def digest_preferences(
    session: Session, user_ids: Sequence[int]
) -> dict[int, DigestPreferenceRead]:
    """Each user's choice (email for one who made none)."""
    stored = DigestPreferenceRepository(session).for_users(user_ids)
    return {
        u: DigestPreferenceRead(user_id=u, channel=p.channel, target=p.target)
        if (p := stored.get(u))
        else DigestPreferenceRead(user_id=u)
        for u in user_ids
    }


def set_digest_preference(
    session: Session, user_id: int, update: DigestPreferenceUpdate
) -> DigestPreferenceRead:
    if get_user(session, user_id) is None:
        raise NotFound(_("User {id} does not exist", id=user_id))
    checked = update.checked()
    repo = DigestPreferenceRepository(session)
    row = repo.for_users([user_id]).get(user_id)
    if row is None:
        repo.add(DigestPreference(user_id=user_id, channel=checked.channel, target=checked.target))
    else:
        row.channel, row.target = checked.channel, checked.target
        row.updated_at = datetime.now(UTC)
        session.flush()
    return DigestPreferenceRead(user_id=user_id, channel=checked.channel, target=checked.target)


def claim_digest(session: Session, user_id: int, day: date, channel: str) -> bool:
    """Record ``user_id``'s digest of ``day`` (in a savepoint); False when one is recorded
    already (by an earlier run, or by another worker whose commit this one waited for).
    The caller commits, then sends, and calls :func:`release_digest` if it could not."""
    point = session.begin_nested()
    try:
        DigestDeliveryRepository(session).record(user_id, day, channel, datetime.now(UTC))
    except IntegrityError:
        point.rollback()
        return False
    point.commit()
    return True


def release_digest(session: Session, user_id: int, day: date) -> None:
    """Forget a claimed digest that could not be sent, so the next run sends it."""
    DigestDeliveryRepository(session).forget(user_id, day)


def digests_sent(session: Session, day: date) -> set[int]:
    """The users whose digest of ``day`` went out."""
    return DigestDeliveryRepository(session).sent_on(day)
