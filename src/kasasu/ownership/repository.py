"""Ownership rules, the accounts they look at, and the assignments they made."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from kasasu.db.repository import Repository
from kasasu.domain.account_fields import RULE_FIELDS
from kasasu.domain.choices import LifecycleStage
from kasasu.models import Account, OwnerAssignment, OwnerRule

CHUNK = 1000
_FIELDS = ("id", "name", *(f for f in RULE_FIELDS if f != "id"), "custom_fields")
# Churned accounts keep their last CSM and get none: nobody is to look after them.
_LIVE = or_(Account.lifecycle_stage.is_(None), Account.lifecycle_stage != LifecycleStage.CHURNED)


class OwnerRuleRepository(Repository[OwnerRule]):
    model = OwnerRule
    sortable = ("position",)
    default_sort = "position"

    def ordered(self) -> list[OwnerRule]:
        return list(self.session.scalars(select(OwnerRule).order_by(OwnerRule.position)))

    def get_by_name(self, name: str) -> OwnerRule | None:
        return self.session.scalars(select(OwnerRule).where(OwnerRule.name == name)).one_or_none()

    def next_position(self) -> int:
        last = self.session.scalar(select(func.max(OwnerRule.position)))
        return (last or 0) + 1


class OwnershipRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def unowned(self, account_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
        """The live accounts without a CSM (of ``account_ids`` when given), by id, with
        the fields a rule may read."""
        columns = [getattr(Account, f) for f in _FIELDS]
        stmt = select(*columns).where(Account.owner_id.is_(None), _LIVE).order_by(Account.id)
        if account_ids is None:
            rows = self.session.execute(stmt).all()
        else:
            wanted = sorted(set(account_ids))
            rows = [
                row
                for start in range(0, len(wanted), CHUNK)
                for row in self.session.execute(
                    stmt.where(Account.id.in_(wanted[start : start + CHUNK]))
                )
            ]
        return [dict(zip(_FIELDS, row, strict=True)) for row in rows]

    def owned_counts(self) -> dict[int, int]:
        """Live accounts per CSM."""
        stmt = (
            select(Account.owner_id, func.count())
            .where(Account.owner_id.is_not(None), _LIVE)
            .group_by(Account.owner_id)
        )
        return {int(owner): int(n) for owner, n in self.session.execute(stmt) if owner is not None}

    def give(self, owners: Mapping[int, int]) -> dict[int, int | None]:
        """Set each account's CSM, only where it still has none (another run, or a person,
        may have given one since it was read); returns each account's CSM after."""
        by_owner: dict[int, list[int]] = {}
        for account_id, owner_id in owners.items():
            by_owner.setdefault(owner_id, []).append(account_id)
        for owner_id, ids in by_owner.items():
            for start in range(0, len(ids), CHUNK):
                self.session.execute(
                    update(Account)
                    .where(Account.id.in_(ids[start : start + CHUNK]), Account.owner_id.is_(None))
                    .values(owner_id=owner_id)
                )
        wanted = sorted(owners)
        now: dict[int, int | None] = {}
        for start in range(0, len(wanted), CHUNK):
            stmt = select(Account.id, Account.owner_id).where(
                Account.id.in_(wanted[start : start + CHUNK])
            )
            now.update({int(a): o for a, o in self.session.execute(stmt)})
        return now

    def record(self, records: Sequence[dict[str, Any]]) -> None:
        if records:
            self.session.execute(insert(OwnerAssignment), list(records))
        self.session.flush()

    def latest(self, account_id: int) -> OwnerAssignment | None:
        stmt = (
            select(OwnerAssignment)
            .where(OwnerAssignment.account_id == account_id)
            .order_by(OwnerAssignment.id.desc())
            .limit(1)
        )
        return self.session.scalars(stmt).first()
