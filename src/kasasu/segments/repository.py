"""Segments and their membership periods."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kasasu.db.repository import Repository
from kasasu.models import Account, Segment, SegmentMember


class SegmentRepository(Repository[Segment]):
    model = Segment
    sortable = ("id", "name")
    default_sort = "name"

    def get_by_name(self, name: str) -> Segment | None:
        return self.session.scalars(select(Segment).where(Segment.name == name)).one_or_none()

    def list_all(self) -> list[Segment]:
        return list(self.session.scalars(select(Segment).order_by(Segment.name)))

    def open_counts(self) -> dict[int, int]:
        stmt = (
            select(SegmentMember.segment_id, func.count())
            .where(SegmentMember.left_on.is_(None))
            .group_by(SegmentMember.segment_id)
        )
        return {segment_id: int(n) for segment_id, n in self.session.execute(stmt)}


class MemberRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def open_members(self, segment_id: int) -> dict[int, SegmentMember]:
        stmt = select(SegmentMember).where(
            SegmentMember.segment_id == segment_id, SegmentMember.left_on.is_(None)
        )
        return {m.account_id: m for m in self.session.scalars(stmt)}

    def names_of(self, account_id: int) -> set[str]:
        """The segments the account is in since the latest refresh."""
        stmt = (
            select(Segment.name)
            .join(SegmentMember, SegmentMember.segment_id == Segment.id)
            .where(SegmentMember.account_id == account_id, SegmentMember.left_on.is_(None))
        )
        return set(self.session.scalars(stmt))

    def enter(self, segment_id: int, account_ids: list[int], day: date) -> None:
        if account_ids:
            self.session.add_all(
                SegmentMember(segment_id=segment_id, account_id=a, entered_on=day)
                for a in account_ids
            )
            self.session.flush()

    def leave(self, ids: list[int], day: date) -> None:
        if ids:
            self.session.execute(
                update(SegmentMember).where(SegmentMember.id.in_(ids)).values(left_on=day)
            )

    def forget(self, ids: list[int]) -> None:
        """Stays that began on the day being recomputed and no longer hold."""
        if ids:
            self.session.execute(delete(SegmentMember).where(SegmentMember.id.in_(ids)))

    def reopen(self, segment_id: int, account_ids: list[int], day: date) -> list[int]:
        """Stays closed on ``day`` by an earlier run of the same day, open again; their
        accounts (a re-run for a day must not count a leave and an enter)."""
        if not account_ids:
            return []
        stmt = select(SegmentMember).where(
            SegmentMember.segment_id == segment_id,
            SegmentMember.left_on == day,
            SegmentMember.account_id.in_(account_ids),
        )
        reopened = list(self.session.scalars(stmt))
        for member in reopened:
            member.left_on = None
        self.session.flush()
        return [m.account_id for m in reopened]

    @staticmethod
    def _on(segment_id: int, day: date) -> Any:
        return (
            (SegmentMember.segment_id == segment_id)
            & (SegmentMember.entered_on <= day)
            & ((SegmentMember.left_on.is_(None)) | (SegmentMember.left_on > day))
        )

    def members_on(self, segment_id: int, day: date) -> list[int]:
        stmt = select(SegmentMember.account_id).where(self._on(segment_id, day))
        return sorted(self.session.scalars(stmt))

    def count_on(self, segment_id: int, day: date) -> int:
        stmt = select(func.count()).select_from(SegmentMember).where(self._on(segment_id, day))
        return int(self.session.scalar(stmt) or 0)

    def accounts_on(self, segment_id: int, day: date, limit: int) -> list[Any]:
        """(account_id, name, owner_id) of the first ``limit`` members on ``day``, by name."""
        stmt = (
            select(Account.id, Account.name, Account.owner_id)
            .join(SegmentMember, SegmentMember.account_id == Account.id)
            .where(self._on(segment_id, day))
            .order_by(Account.name, Account.id)
            .limit(limit)
        )
        return list(self.session.execute(stmt))

    def changes(self, segment_id: int, limit: int) -> list[tuple[date, bool, int, str]]:
        """The latest ``limit`` entries and exits: (day, entered, account_id, name)."""
        out: list[tuple[date, bool, int, str]] = []
        for column, entered in ((SegmentMember.entered_on, True), (SegmentMember.left_on, False)):
            stmt = (
                select(column, Account.id, Account.name)
                .join(Account, Account.id == SegmentMember.account_id)
                .where(SegmentMember.segment_id == segment_id, column.is_not(None))
                .order_by(column.desc(), Account.name)
                .limit(limit)
            )
            rows = self.session.execute(stmt)
            # ``is not None`` narrows left_on's type; the query already kept only dated rows.
            out += [(day, entered, a, name) for day, a, name in rows if day is not None]
        return sorted(out, key=lambda c: (c[0], c[1]), reverse=True)[:limit]
