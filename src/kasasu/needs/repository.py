"""Queries of the needs board and the requests (要望) grouped under it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select, update

from kasasu.db.repository import WHERE, Repository
from kasasu.domain.choices import NeedStatus
from kasasu.kit.paging import Page
from kasasu.models import (
    Account,
    Feedback,
    Need,
    NeedStatusChange,
    Task,
    User,
)


class FeedbackRepository(Repository[Feedback]):
    model = Feedback
    searchable = ("title", "body")

    def page_of_account(
        self, account_id: int, statuses: Sequence[NeedStatus], cursor: str | None, limit: int
    ) -> Page[Feedback]:
        """The account's requests in ``statuses``, newest first."""
        where = [Feedback.status.in_(list(statuses))]
        filters = {"account_id": account_id, WHERE: where}
        return self.list_page(filters, sort="-created_at", cursor=cursor, limit=limit)


class NeedRepository(Repository[Need]):
    model = Need
    sortable = ("id", "title", "created_at", "updated_at")
    searchable = ("title", "description")

    def list_by_status(self, statuses: Sequence[NeedStatus]) -> list[Need]:
        stmt = select(Need).order_by(Need.id)
        if statuses:
            stmt = stmt.where(Need.status.in_(list(statuses)))
        return list(self.session.scalars(stmt))

    def asking(self, need_ids: Sequence[int]) -> list[tuple[int, int, int]]:
        """(need_id, account_id, requests) for each account that asked for one of the needs."""
        stmt = (
            select(Feedback.need_id, Feedback.account_id, func.count())
            .where(Feedback.need_id.in_(list(need_ids)))
            .group_by(Feedback.need_id, Feedback.account_id)
        )
        return [(int(n or 0), int(a), int(c)) for n, a, c in self.session.execute(stmt)]

    def requests_of(self, need_id: int) -> list[tuple[Feedback, str]]:
        """The need's requests with their account's name, newest first."""
        stmt = (
            select(Feedback, Account.name)
            .join(Account, Account.id == Feedback.account_id)
            .where(Feedback.need_id == need_id)
            .order_by(Feedback.created_at.desc(), Feedback.id.desc())
        )
        return [(row, name) for row, name in self.session.execute(stmt)]

    def unlinked_requests(self, limit: int) -> list[tuple[Feedback, str]]:
        """Requests not grouped under a need yet, newest first."""
        stmt = (
            select(Feedback, Account.name)
            .join(Account, Account.id == Feedback.account_id)
            .where(Feedback.need_id.is_(None))
            .order_by(Feedback.created_at.desc(), Feedback.id.desc())
            .limit(limit)
        )
        return [(row, name) for row, name in self.session.execute(stmt)]

    def count_unlinked(self) -> int:
        return int(
            self.session.scalar(
                select(func.count()).select_from(Feedback).where(Feedback.need_id.is_(None))
            )
            or 0
        )

    def feedback_ids(self, ids: Sequence[int]) -> set[int]:
        """Those of ``ids`` that are requests."""
        return set(self.session.scalars(select(Feedback.id).where(Feedback.id.in_(list(ids)))))

    def set_need(
        self, feedback_ids: Sequence[int], need_id: int | None, only_from: int | None = None
    ) -> None:
        """Group the requests under ``need_id`` (None: none), those under ``only_from`` only
        when it is given."""
        stmt = update(Feedback).where(Feedback.id.in_(list(feedback_ids)))
        if only_from is not None:
            stmt = stmt.where(Feedback.need_id == only_from)
        self.session.execute(
            stmt.values(need_id=need_id).execution_options(synchronize_session=False)
        )

    def accounts(self, ids: Sequence[int]) -> dict[int, tuple[str, int | None, str | None]]:
        """Account id → (name, owner id, the owner's locale)."""
        stmt = (
            select(Account.id, Account.name, Account.owner_id, User.locale)
            .outerjoin(User, User.id == Account.owner_id)
            .where(Account.id.in_(list(ids)))
        )
        return {int(i): (n, o, loc) for i, n, o, loc in self.session.execute(stmt)}

    def changes(self, need_id: int) -> list[tuple[NeedStatusChange, str | None]]:
        """The need's status history with who changed it, newest first."""
        stmt = (
            select(NeedStatusChange, User.name)
            .outerjoin(User, User.id == NeedStatusChange.changed_by)
            .where(NeedStatusChange.need_id == need_id)
            .order_by(NeedStatusChange.changed_at.desc(), NeedStatusChange.id.desc())
        )
        return [(row, name) for row, name in self.session.execute(stmt)]

    def add_change(self, change: NeedStatusChange) -> NeedStatusChange:
        self.session.add(change)
        self.session.flush()
        return change

    def add_tasks(self, rows: Sequence[dict[str, Any]]) -> None:
        self.session.add_all([Task(**row) for row in rows])
        self.session.flush()
