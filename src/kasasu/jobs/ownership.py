"""The refresh of today gives every live account without a CSM its owner by the ownership
rules (before the playbooks, so their tasks go to the new CSM)."""

from __future__ import annotations

from sqlalchemy import Engine

from kasasu.db import session_factory, transaction
from kasasu.db.audit import through
from kasasu.ownership.schemas import AssignmentPlan
from kasasu.ownership.service import apply_rules


def assign_unowned(engine: Engine) -> AssignmentPlan:
    with transaction(session_factory(engine), write=True) as session, through("rules"):
        return apply_rules(session)
