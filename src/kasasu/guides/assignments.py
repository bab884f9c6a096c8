"""Guides a playbook shows to an account (actions ``show_guide`` and ``announce``): the
account's users see a guide targeted at assigned accounts until the assignment ends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from kasasu.errors import NotFound
from kasasu.guides.repository import AssignmentRepository, GuideRepository
from kasasu.kit.i18n import _
from kasasu.models import GuideAssignment


def assign_guide(
    session: Session, key: str, account_id: int, *, now: datetime, until: datetime
) -> bool:
    """Assign the guide to the account until ``until`` (a later assignment extends it);
    True when it was not assigned before."""
    guide = GuideRepository(session).by_key(key)
    if guide is None:
        raise NotFound(_("No guide with the key {key}", key=key))
    repo = AssignmentRepository(session)
    found = repo.find(guide.id, account_id)
    if found is None:
        repo.add(
            GuideAssignment(guide_id=guide.id, account_id=account_id, assigned_at=now, until=until)
        )
        return True
    found.assigned_at, found.until = now, max(until, found.until or until)
    session.flush()
    return False
