"""The customer's success plan (サクセスプラン), recorded at kick-off: objectives (導入目的)
and measurable goals with target dates and their status; and the read-only links that
share it with the customer, in their language, until they expire or are revoked."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kasasu.accounts.service import accounts
from kasasu.domain.choices import StepSide
from kasasu.errors import NotFound
from kasasu.kit.i18n import _
from kasasu.models import PlanLink, SuccessGoal
from kasasu.onboarding.service import plan_of
from kasasu.onboarding.success_repository import GoalRepository, PlanLinkRepository
from kasasu.onboarding.success_schemas import (
    GoalCreate,
    GoalRead,
    GoalUpdate,
    Objective,
    PlanLinkRead,
    SharedPlan,
    SuccessPlan,
)

LINK_DAYS = (7, 30, 90)  # how long a shared link may live


def success_plan(session: Session, account_id: int) -> SuccessPlan:
    objectives: dict[str, list[GoalRead]] = {}
    for goal in GoalRepository(session).of_account(account_id):
        objectives.setdefault(goal.objective, []).append(GoalRead.model_validate(goal))
    return SuccessPlan(
        account_id=account_id,
        objectives=[Objective(title=t, goals=g) for t, g in objectives.items()],
    )


def add_goal(session: Session, account_id: int, data: GoalCreate) -> GoalRead:
    accounts.get(session, account_id)  # NotFound for an account that does not exist
    goal = GoalRepository(session).add(SuccessGoal(account_id=account_id, **data.model_dump()))
    return GoalRead.model_validate(goal)


def update_goal(session: Session, goal_id: int, data: GoalUpdate) -> GoalRead:
    goal = _goal(session, goal_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(goal, name, value)
    session.flush()
    return GoalRead.model_validate(goal)


def delete_goal(session: Session, goal_id: int) -> int:
    """Delete a goal; the account it was on."""
    goal = _goal(session, goal_id)
    account_id = goal.account_id
    session.delete(goal)
    session.flush()
    return account_id


def share_plan(
    session: Session, account_id: int, *, locale: str, days: int, by: int | None, now: datetime
) -> tuple[PlanLinkRead, str]:
    """A new link to the plan and its token (shown once: only its hash is kept)."""
    accounts.get(session, account_id)
    token = secrets.token_urlsafe(32)
    link = PlanLinkRepository(session).add(
        PlanLink(
            account_id=account_id,
            token_hash=_hash(token),
            locale=locale,
            created_by=by,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    return PlanLinkRead.model_validate(link), token


def plan_links(session: Session, account_id: int) -> list[PlanLinkRead]:
    return [
        PlanLinkRead.model_validate(k) for k in PlanLinkRepository(session).of_account(account_id)
    ]


def revoke_link(session: Session, link_id: int, now: datetime) -> int:
    """End a link now (a second revocation keeps the first moment); the account it shares."""
    link = PlanLinkRepository(session).get(link_id)
    if link is None:
        raise NotFound(_("Link {id} not found", id=link_id))
    if link.revoked_at is None:
        link.revoked_at = now
        session.flush()
    return link.account_id


def open_link(session: Session, token: str, now: datetime) -> SharedPlan | None:
    """The plan behind a link; None when there is no such link, or it expired or was
    revoked (the page says so without telling which)."""
    link = PlanLinkRepository(session).by_hash(_hash(token))
    if link is None or link.revoked_at is not None or link.expires_at <= now:
        return None
    plan = plan_of(session, link.account_id)
    if plan is not None:  # the customer sees the steps that are theirs
        plan.steps = [s for s in plan.steps if s.side is StepSide.CUSTOMER]
    return SharedPlan(
        account=accounts.get(session, link.account_id).name,
        locale=link.locale,
        expires_at=link.expires_at,
        plan=success_plan(session, link.account_id),
        onboarding=plan,
    )


def _goal(session: Session, goal_id: int) -> SuccessGoal:
    goal = GoalRepository(session).get(goal_id)
    if goal is None:
        raise NotFound(_("Goal {id} not found", id=goal_id))
    return goal


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
