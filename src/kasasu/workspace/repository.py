"""The workspace's own queries: the account list's conditions over other slices' tables
(health on the latest refresh day, segments, renewals), as subqueries: no id lists."""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from kasasu.domain.choices import TaskStatus, TouchModel
from kasasu.domain.scoring import Band
from kasasu.models import (
    Account,
    FeatureSnapshot,
    HealthScore,
    Segment,
    SegmentMember,
    Subscription,
    Task,
)


def _latest_day() -> Any:
    return select(func.max(HealthScore.as_of)).scalar_subquery()


def in_band(band: Band) -> ColumnElement[bool]:
    """Scored ``band`` on the latest day scored."""
    latest = _latest_day()
    banded = select(HealthScore.account_id).where(
        HealthScore.as_of == latest, HealthScore.band == band.value
    )
    return Account.id.in_(banded)


def has_touch_model(touch: TouchModel | None) -> ColumnElement[bool]:
    """The account's own touch model, else the latest refresh's; None: neither."""
    scored = select(HealthScore.account_id).where(HealthScore.as_of == _latest_day())
    if touch is None:
        given = scored.where(HealthScore.touch_model.is_not(None))
        return Account.touch_model.is_(None) & Account.id.not_in(given)
    given = scored.where(HealthScore.touch_model == touch)
    return (Account.touch_model == touch) | (Account.touch_model.is_(None) & Account.id.in_(given))


def in_segment(name: str) -> ColumnElement[bool]:
    inside = (
        select(SegmentMember.account_id)
        .join(Segment, Segment.id == SegmentMember.segment_id)
        .where(Segment.name == name, SegmentMember.left_on.is_(None))
    )
    return Account.id.in_(inside)


def renews_between(first: date, last: date) -> ColumnElement[bool]:
    """A paying line (not a trial, not cancelled) ends between ``first`` and ``last``."""
    renewing = select(Subscription.account_id).where(
        Subscription.end_date >= first,
        Subscription.end_date <= last,
        Subscription.status != "trial",
        Subscription.cancelled_on.is_(None),
    )
    return Account.id.in_(renewing)


class OwnerTouchRow(NamedTuple):
    """Counts for one owner (None: unowned) and touch model (None: none)."""

    owner_id: int | None
    touch_model: TouchModel | None
    number: int  # accounts or open tasks
    total: Any  # a sum: MRR or overdue tasks (None when nothing to add)


class WorkloadRepository:
    """Accounts and open tasks per owner and touch model: the account's own touch model,
    else the one the refresh of ``day`` gave it (none when neither)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _on(model: Any, day: date) -> Any:
        return (model.account_id == Account.id) & (model.as_of == day)

    def _per_owner_and_touch(
        self, day: date, count: Any, total: Any, stmt: Any
    ) -> list[OwnerTouchRow]:
        """(owner_id, touch model, ``count``, ``total``) grouped; ``stmt`` adds the rest."""
        touch = func.coalesce(Account.touch_model, HealthScore.touch_model).label("touch")
        columns = select(Account.owner_id, touch, count, total)
        grouped = stmt(columns).outerjoin(HealthScore, self._on(HealthScore, day))
        rows = self.session.execute(grouped.group_by(Account.owner_id, touch))
        return [OwnerTouchRow(*row) for row in rows]

    def accounts(self, day: date) -> list[OwnerTouchRow]:
        """(owner_id, touch model, accounts, MRR on ``day``) per owner and touch model."""
        return self._per_owner_and_touch(
            day,
            func.count(),
            func.sum(FeatureSnapshot.features["mrr"].as_float()),
            lambda q: q.outerjoin(FeatureSnapshot, self._on(FeatureSnapshot, day)),
        )

    def open_tasks(self, day: date, today: date) -> list[OwnerTouchRow]:
        """(owner_id, touch model, open tasks, overdue) of the open tasks on accounts, by
        the account's owner and touch model; overdue: due before ``today``."""
        return self._per_owner_and_touch(
            day,
            func.count(),
            func.sum(case((Task.due_date < today, 1), else_=0)),
            lambda q: (
                q.select_from(Task)
                .join(Account, Account.id == Task.account_id)
                .where(Task.status == TaskStatus.OPEN)
            ),
        )
