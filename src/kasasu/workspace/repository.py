"""The workspace's own queries: the account list's conditions over other slices' tables
(health on the latest refresh day, segments, renewals), as subqueries: no id lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from kasasu.analytics.features import RISK
from kasasu.domain.choices import SURVEY_SIDES, TaskSource, TaskStatus, TouchModel
from kasasu.domain.scoring import Band
from kasasu.health.snapshots import worsened_accounts
from kasasu.models import (
    Account,
    Activity,
    FeatureSnapshot,
    HealthScore,
    Segment,
    SegmentMember,
    Subscription,
    SurveyResponse,
    Task,
    User,
)


def _latest_day() -> Any:
    return select(func.max(HealthScore.as_of)).scalar_subquery()


def account_sort_keys(before: date | None) -> dict[str, ColumnElement[Any]]:
    """The account list's sorts by what other slices know of an account, each a value per
    account (a correlated subquery): its MRR, health score and days to renewal on the latest
    day scored, the change of its score since ``before``, its owner's name and its latest
    activity. An account without the value sorts last."""
    latest = _latest_day()

    def feature(name: str) -> Any:
        return (
            select(FeatureSnapshot.features[name].as_float())
            .where(FeatureSnapshot.account_id == Account.id, FeatureSnapshot.as_of == latest)
            .scalar_subquery()
        )

    def score(day: Any) -> Any:
        scored = aliased(HealthScore)
        return (
            select(scored.score)
            .where(scored.account_id == Account.id, scored.as_of == day)
            .scalar_subquery()
        )

    return {
        "mrr": feature("mrr"),
        "health": score(latest),
        "health_change": score(latest) - score(before),
        "renewal": feature("days_to_renewal"),
        "risk": feature(RISK),
        "owner": select(User.name).where(User.id == Account.owner_id).scalar_subquery(),
        "last_activity": select(func.max(Activity.occurred_at))
        .where(Activity.account_id == Account.id)
        .scalar_subquery(),
    }


def last_activities(session: Session, ids: Sequence[int]) -> dict[int, datetime]:
    """Each account's latest activity (note, call, meeting…), for a page of accounts."""
    stmt = (
        select(Activity.account_id, func.max(Activity.occurred_at))
        .where(Activity.account_id.in_(list(ids)))
        .group_by(Activity.account_id)
    )
    return {account_id: at for account_id, at in session.execute(stmt) if at is not None}


def in_band(band: Band) -> ColumnElement[bool]:
    """Scored ``band`` on the latest day scored."""
    latest = _latest_day()
    banded = select(HealthScore.account_id).where(
        HealthScore.as_of == latest, HealthScore.band == band.value
    )
    return Account.id.in_(banded)


def risk_above(risk: float) -> ColumnElement[bool]:
    """A churn risk above ``risk`` on the latest day scored."""
    risky = select(FeatureSnapshot.account_id).where(
        FeatureSnapshot.as_of == _latest_day(), FeatureSnapshot.features[RISK].as_float() > risk
    )
    return Account.id.in_(risky)


def worse_than_on(day: date) -> ColumnElement[bool]:
    """Its band on the latest day scored asks for more attention than on ``day``."""
    return Account.id.in_(worsened_accounts(_latest_day(), day))


def has_touch_model(touch: TouchModel | None) -> ColumnElement[bool]:
    """The account's own touch model, else the latest refresh's; None: neither."""
    scored = select(HealthScore.account_id).where(HealthScore.as_of == _latest_day())
    if touch is None:
        given = scored.where(HealthScore.touch_model.is_not(None))
        return Account.touch_model.is_(None) & Account.id.not_in(given)
    given = scored.where(HealthScore.touch_model == touch)
    return (Account.touch_model == touch) | (Account.touch_model.is_(None) & Account.id.in_(given))


def without_owner() -> ColumnElement[bool]:
    return Account.owner_id.is_(None)


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


class AnswerRow(NamedTuple):
    id: int
    account_id: int
    account_name: str
    owner_id: int | None
    kind: str
    score: int
    comment: str | None
    answered_at: datetime


class TaskCounts(NamedTuple):
    overdue: int
    due: int  # due by the day asked, overdue included, not from a playbook
    playbook: int  # open and made by a playbook


def _unhappy() -> ColumnElement[bool]:
    """An NPS detractor's or an unhappy CSAT answer (:data:`SURVEY_SIDES`)."""
    return or_(
        *(
            (SurveyResponse.kind == kind) & SurveyResponse.score.between(low, high)
            for kind, ((low, high), _happy) in SURVEY_SIDES.items()
        )
    )


class HomeRepository:
    """What the home page lists: open tasks, unhappy answers, and counts of them per owner
    (the task's owner; an answer's account's owner)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _open_tasks(owner_id: int | None, due_by: date | None, playbook: bool) -> Select[Any]:
        stmt = select(Task).where(Task.status == TaskStatus.OPEN)
        if playbook:
            stmt = stmt.where(Task.source == TaskSource.PLAYBOOK)
        else:
            stmt = stmt.where(Task.source != TaskSource.PLAYBOOK, Task.due_date <= due_by)
        return stmt if owner_id is None else stmt.where(Task.owner_id == owner_id)

    def open_tasks(
        self, owner_id: int | None, due_by: date | None, *, playbook: bool, limit: int
    ) -> tuple[list[Task], int]:
        """Open tasks of ``owner_id`` (None: everyone's): those made by playbooks, or the
        others due by ``due_by``; the first ``limit`` by due date, and how many in all."""
        stmt = self._open_tasks(owner_id, due_by, playbook)
        rows = self.session.scalars(
            stmt.order_by(Task.due_date.asc().nulls_last(), Task.id).limit(limit)
        )
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        return list(rows), int(total or 0)

    def due_tasks(self, owner_id: int, due_by: date, limit: int) -> tuple[list[Task], int]:
        """Open tasks of ``owner_id`` due on or before ``due_by``, whoever made them (the
        daily digest): the first ``limit`` by due date, and how many in all."""
        stmt = select(Task).where(
            Task.status == TaskStatus.OPEN, Task.owner_id == owner_id, Task.due_date <= due_by
        )
        rows = self.session.scalars(stmt.order_by(Task.due_date, Task.id).limit(limit))
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        return list(rows), int(total or 0)

    def task_counts(self, today: date, due_by: date) -> dict[int | None, TaskCounts]:
        """Per task owner: overdue, due by ``due_by`` (not from playbooks) and playbook tasks."""
        mine = Task.source != TaskSource.PLAYBOOK
        stmt = (
            select(
                Task.owner_id,
                func.sum(case((Task.due_date < today, 1), else_=0)),
                func.sum(case((mine & (Task.due_date <= due_by), 1), else_=0)),
                func.sum(case((Task.source == TaskSource.PLAYBOOK, 1), else_=0)),
            )
            .where(Task.status == TaskStatus.OPEN)
            .group_by(Task.owner_id)
        )
        return {
            owner: TaskCounts(int(a or 0), int(b or 0), int(c or 0))
            for owner, a, b, c in self.session.execute(stmt)
        }

    def accounts_with_open_tasks(self, ids: Sequence[int]) -> set[int]:
        stmt = select(Task.account_id).where(
            Task.status == TaskStatus.OPEN, Task.account_id.in_(list(ids))
        )
        return {i for i in self.session.scalars(stmt.distinct()) if i is not None}

    def _answers(self, since: datetime, owner_id: int | None) -> Any:
        stmt = (
            select(
                SurveyResponse.id,
                SurveyResponse.account_id,
                Account.name,
                Account.owner_id,
                SurveyResponse.kind,
                SurveyResponse.score,
                SurveyResponse.comment,
                SurveyResponse.answered_at,
            )
            .join(Account, Account.id == SurveyResponse.account_id)
            .where(SurveyResponse.answered_at >= since, _unhappy())
        )
        return stmt if owner_id is None else stmt.where(Account.owner_id == owner_id)

    def unhappy_answers(
        self, since: datetime, owner_id: int | None, limit: int
    ) -> tuple[list[AnswerRow], int]:
        """Unhappy answers given since ``since`` on the accounts of ``owner_id`` (None:
        all), the newest ``limit`` first, and how many in all."""
        stmt = self._answers(since, owner_id)
        ordered = stmt.order_by(SurveyResponse.answered_at.desc(), SurveyResponse.id.desc())
        rows = [AnswerRow(*row) for row in self.session.execute(ordered.limit(limit))]
        total = self.session.scalar(select(func.count()).select_from(stmt.subquery()))
        return rows, int(total or 0)

    def unhappy_counts(self, since: datetime) -> dict[int | None, int]:
        """Per account owner: the unhappy answers given since ``since``."""
        sub = self._answers(since, None).subquery()
        stmt = select(sub.c.owner_id, func.count()).group_by(sub.c.owner_id)
        return {owner: int(n) for owner, n in self.session.execute(stmt)}
