"""The SDK's environments, the guides, who saw them and which accounts playbooks assigned."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select

from kasasu.db.repository import BOUND_CHUNK, Repository, chunked
from kasasu.models import (
    Guide,
    GuideAssignment,
    GuideVersion,
    GuideViewer,
    SdkEnvironment,
    SdkVisitor,
)


class EnvironmentRepository(Repository[SdkEnvironment]):
    model = SdkEnvironment

    def by_public_key(self, key: str) -> SdkEnvironment | None:
        stmt = select(SdkEnvironment).where(SdkEnvironment.public_key == key)
        return self.session.scalars(stmt).one_or_none()

    def listed(self) -> list[SdkEnvironment]:
        return list(self.session.scalars(select(SdkEnvironment).order_by(SdkEnvironment.name)))


class GuideRepository(Repository[Guide]):
    model = Guide

    def by_key(self, key: str) -> Guide | None:
        return self.session.scalars(select(Guide).where(Guide.key == key)).one_or_none()

    def listed(self) -> list[tuple[Guide, str, dict[str, Any] | None]]:
        """Every guide with its environment's name and its published version's definition
        (None while a draft), in one query."""
        published = and_(
            GuideVersion.guide_id == Guide.id, GuideVersion.version == Guide.published_version
        )
        stmt = (
            select(Guide, SdkEnvironment.name, GuideVersion.definition)
            .join(SdkEnvironment, SdkEnvironment.id == Guide.environment_id)
            .outerjoin(GuideVersion, published)
            .order_by(Guide.name, Guide.id)
        )
        return [(guide, env, version) for guide, env, version in self.session.execute(stmt)]

    def version(self, guide_id: int, version: int) -> GuideVersion | None:
        stmt = select(GuideVersion).where(
            GuideVersion.guide_id == guide_id, GuideVersion.version == version
        )
        return self.session.scalars(stmt).one_or_none()

    def live_stamp(self, environment_id: int) -> tuple[Any, ...]:
        """Changes whenever what the environment's users may see changes: a publish, a
        pause or a resume (each touches the guide's updated_at)."""
        stmt = select(func.count(Guide.id), func.max(Guide.updated_at)).where(
            Guide.environment_id == environment_id
        )
        return tuple(self.session.execute(stmt).one())

    def live(self, environment_id: int) -> list[tuple[Guide, GuideVersion]]:
        stmt = (
            select(Guide, GuideVersion)
            .join(
                GuideVersion,
                (GuideVersion.guide_id == Guide.id)
                & (GuideVersion.version == Guide.published_version),
            )
            .where(Guide.environment_id == environment_id, Guide.paused.is_(False))
            .order_by(Guide.id)
        )
        return [(guide, version) for guide, version in self.session.execute(stmt)]


class ViewerRepository(Repository[GuideViewer]):
    model = GuideViewer

    def of_user(self, account_id: int, user_key: str) -> dict[int, GuideViewer]:
        stmt = select(GuideViewer).where(
            GuideViewer.account_id == account_id, GuideViewer.user_key == user_key
        )
        return {v.guide_id: v for v in self.session.scalars(stmt)}

    def ensure_all(
        self, keys: Collection[tuple[int, int, str]]
    ) -> dict[tuple[int, int, str], GuideViewer]:
        """The rows of these (guide id, account id, user) keys, those missing created empty
        (two batches at once make one row)."""
        found = self._rows_of(keys)
        empty = {"shows": 0, "steps_done": 0, "taken": []}
        missing = [
            {"guide_id": guide, "account_id": account, "user_key": user, **empty}
            for guide, account, user in sorted(set(keys) - set(found))
        ]
        if not missing:
            return found
        self.insert_missing(missing, ("guide_id", "account_id", "user_key"))
        return self._rows_of(keys)

    def _rows_of(
        self, keys: Collection[tuple[int, int, str]]
    ) -> dict[tuple[int, int, str], GuideViewer]:
        wanted = set(keys)
        users = sorted({(account, user) for _guide, account, user in wanted})
        found: dict[tuple[int, int, str], GuideViewer] = {}
        # The users' rows only (an account may have thousands of users), a few hundred
        # users a statement.
        for chunk in chunked(users, BOUND_CHUNK // 2):
            stmt = select(GuideViewer).where(
                GuideViewer.account_id.in_({account for account, _user in chunk}),
                GuideViewer.user_key.in_({user for _account, user in chunk}),
            )
            for viewer in self.session.scalars(stmt):
                key = (viewer.guide_id, viewer.account_id, viewer.user_key)
                if key in wanted:
                    found[key] = viewer
        return found

    def reach(self) -> dict[int, tuple[int, int]]:
        """Guide id → (users shown, users who completed it), for every guide at once."""
        stmt = (
            select(
                GuideViewer.guide_id,
                func.count(),
                func.count(GuideViewer.completed_at),
            )
            .where(GuideViewer.shows > 0)
            .group_by(GuideViewer.guide_id)
        )
        return {guide: (int(users), int(done)) for guide, users, done in self.session.execute(stmt)}

    def tally(self, guide_id: int, steps: int) -> tuple[int, ...]:
        """Of the users shown the guide: (users, accounts, shows, completed, dismissed, then
        per step the users who finished it), in one pass."""
        v = GuideViewer
        finished = [
            func.sum(case(((v.steps_done > i) | v.completed_at.is_not(None), 1), else_=0))
            for i in range(steps)
        ]
        stmt = select(
            func.count(),
            func.count(func.distinct(v.account_id)),
            func.sum(v.shows),
            func.count(v.completed_at),
            func.count(v.dismissed_at),
            *finished,
        ).where(v.guide_id == guide_id, v.shows > 0)
        return tuple(int(x or 0) for x in self.session.execute(stmt).one())


class VisitorRepository(Repository[SdkVisitor]):
    model = SdkVisitor

    def find(self, environment_id: int, account_id: int, user_key: str) -> SdkVisitor | None:
        stmt = select(SdkVisitor).where(
            SdkVisitor.environment_id == environment_id,
            SdkVisitor.account_id == account_id,
            SdkVisitor.user_key == user_key,
        )
        return self.session.scalars(stmt).one_or_none()

    def arrive(
        self, environment_id: int, account_id: int, user_key: str, now: datetime
    ) -> SdkVisitor:
        """The visitor, created at its first visit (``now``) if new; safe when two first
        requests of the same user arrive at once."""
        key = {"environment_id": environment_id, "account_id": account_id, "user_key": user_key}
        self.insert_missing(
            {**key, "visits": 1, "first_seen_at": now, "last_seen_at": now}, list(key)
        )
        found = self.find(environment_id, account_id, user_key)
        assert found is not None  # inserted above or by another request before
        return found


class AssignmentRepository(Repository[GuideAssignment]):
    model = GuideAssignment

    def find(self, guide_id: int, account_id: int) -> GuideAssignment | None:
        stmt = select(GuideAssignment).where(
            GuideAssignment.guide_id == guide_id, GuideAssignment.account_id == account_id
        )
        return self.session.scalars(stmt).one_or_none()

    def guides_of(self, account_id: int, now: datetime) -> set[int]:
        stmt = select(GuideAssignment.guide_id).where(
            GuideAssignment.account_id == account_id,
            (GuideAssignment.until.is_(None)) | (GuideAssignment.until > now),
        )
        return set(self.session.scalars(stmt))

    def count_of(self, guide_id: int) -> int:
        stmt = select(func.count()).where(GuideAssignment.guide_id == guide_id)
        return int(self.session.scalar(stmt) or 0)
