"""Success plans: the account's goals, and the links that share its plan with the
customer."""

from __future__ import annotations

from sqlalchemy import select

from kasasu.db.repository import Repository
from kasasu.models import PlanLink, SuccessGoal


class GoalRepository(Repository[SuccessGoal]):
    model = SuccessGoal

    def of_account(self, account_id: int) -> list[SuccessGoal]:
        stmt = (
            select(SuccessGoal).where(SuccessGoal.account_id == account_id).order_by(SuccessGoal.id)
        )
        return list(self.session.scalars(stmt))


class PlanLinkRepository(Repository[PlanLink]):
    model = PlanLink

    def of_account(self, account_id: int) -> list[PlanLink]:
        stmt = select(PlanLink).where(PlanLink.account_id == account_id).order_by(PlanLink.id)
        return list(self.session.scalars(stmt))

    def by_hash(self, token_hash: str) -> PlanLink | None:
        stmt = select(PlanLink).where(PlanLink.token_hash == token_hash)
        return self.session.scalars(stmt).one_or_none()
