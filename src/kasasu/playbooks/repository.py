"""Playbooks, their runs and actions; and the facts triggers read that features lack."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kasasu.db.repository import Repository
from kasasu.domain.choices import SurveyKind
from kasasu.models import (
    Account,
    Contact,
    Milestone,
    Playbook,
    PlaybookAction,
    PlaybookRun,
    Segment,
    SegmentMember,
    SurveyResponse,
    Ticket,
    User,
)

CHUNK = 500  # rows per INSERT: SQLite allows ~32,000 bound parameters per statement


class PlaybookRepository(Repository[Playbook]):
    model = Playbook
    sortable = ("id", "name")
    default_sort = "name"

    def get_by_name(self, name: str) -> Playbook | None:
        return self.session.scalars(select(Playbook).where(Playbook.name == name)).one_or_none()

    def list_all(self) -> list[Playbook]:
        return list(self.session.scalars(select(Playbook).order_by(Playbook.name)))


class RunRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def counts(self) -> dict[int, int]:
        stmt = select(PlaybookRun.playbook_id, func.count()).group_by(PlaybookRun.playbook_id)
        return {playbook_id: int(n) for playbook_id, n in self.session.execute(stmt)}

    def recent(self, playbook_id: int, since: date) -> list[tuple[int, str, date]]:
        """(account, window, fired_on) of the playbook's runs fired on or after ``since``."""
        stmt = select(PlaybookRun.account_id, PlaybookRun.window, PlaybookRun.fired_on).where(
            PlaybookRun.playbook_id == playbook_id, PlaybookRun.fired_on >= since
        )
        return [(a, w, d) for a, w, d in self.session.execute(stmt)]

    def claim(self, runs: Sequence[dict[str, Any]]) -> list[tuple[int, int, int, str]]:
        """Insert the runs no one has yet; (id, playbook, account, window) of those this call
        inserted. On PostgreSQL a concurrent claimer of the same key waits for the first to
        commit and then inserts nothing, which is what makes a run happen once."""
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        claimed: list[tuple[int, int, int, str]] = []
        for start in range(0, len(runs), CHUNK):
            stmt = (
                dialect.insert(PlaybookRun)
                .values(list(runs[start : start + CHUNK]))
                .on_conflict_do_nothing(index_elements=["playbook_id", "account_id", "window"])
                .returning(
                    PlaybookRun.id,
                    PlaybookRun.playbook_id,
                    PlaybookRun.account_id,
                    PlaybookRun.window,
                )
            )
            claimed += [(i, p, a, w) for i, p, a, w in self.session.execute(stmt)]
        return claimed

    def add_actions(self, rows: Sequence[dict[str, Any]]) -> None:
        for start in range(0, len(rows), CHUNK):
            self.session.execute(insert(PlaybookAction), list(rows[start : start + CHUNK]))

    def actions_of(self, run_id: int) -> list[tuple[int, str, str]]:
        """(id, kind, status) of a run's actions, in their order."""
        stmt = (
            select(PlaybookAction.id, PlaybookAction.kind, PlaybookAction.status)
            .where(PlaybookAction.run_id == run_id)
            .order_by(PlaybookAction.position)
        )
        return [(int(i), str(k), str(st)) for i, k, st in self.session.execute(stmt)]

    def open_actions(self, reclaim_before: datetime, max_attempts: int) -> list[int]:
        """Actions to do: never started, failed with tries left, or started by a run that
        stopped before finishing them (long enough ago not to be another live worker's)."""
        stmt = (
            select(PlaybookAction.id)
            .where(_open(reclaim_before, max_attempts))
            .order_by(PlaybookAction.run_id, PlaybookAction.position)
        )
        return list(self.session.scalars(stmt))

    def start(
        self, action_id: int, now: datetime, reclaim_before: datetime, max_attempts: int
    ) -> bool:
        """Mark the action started if it is still open; False when another worker has it."""
        stmt = (
            update(PlaybookAction)
            .where(PlaybookAction.id == action_id, _open(reclaim_before, max_attempts))
            .values(status="running", attempts=PlaybookAction.attempts + 1, started_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]  # CursorResult

    def finish(
        self, action_id: int, status: str, error: str | None, result: dict[str, Any], now: datetime
    ) -> None:
        self.session.execute(
            update(PlaybookAction)
            .where(PlaybookAction.id == action_id)
            .values(status=status, error=error, result=result, finished_at=now)
            .execution_options(synchronize_session=False)
        )

    def action(self, action_id: int) -> tuple[PlaybookAction, PlaybookRun, str]:
        stmt = (
            select(PlaybookAction, PlaybookRun, Playbook.name)
            .join(PlaybookRun, PlaybookRun.id == PlaybookAction.run_id)
            .join(Playbook, Playbook.id == PlaybookRun.playbook_id)
            .where(PlaybookAction.id == action_id)
        )
        action, run, name = self.session.execute(stmt).one()
        return action, run, name

    def log(
        self,
        limit: int,
        playbook: str | None,
        account_id: int | None,
        status: str | None,
        run_ids: Sequence[int] | None = None,
    ) -> list[tuple[PlaybookRun, str, str, list[PlaybookAction]]]:
        """The latest runs (newest first) with their playbook, account and actions."""
        stmt = (
            select(PlaybookRun, Playbook.name, Account.name)
            .join(Playbook, Playbook.id == PlaybookRun.playbook_id)
            .join(Account, Account.id == PlaybookRun.account_id)
            .order_by(PlaybookRun.id.desc())
            .limit(limit)
        )
        if playbook:
            stmt = stmt.where(Playbook.name == playbook)
        if account_id is not None:
            stmt = stmt.where(PlaybookRun.account_id == account_id)
        if run_ids is not None:
            stmt = stmt.where(PlaybookRun.id.in_(run_ids))
        if status:
            has = select(PlaybookAction.id).where(
                PlaybookAction.run_id == PlaybookRun.id, PlaybookAction.status == status
            )
            stmt = stmt.where(has.exists())
        rows = list(self.session.execute(stmt))
        actions: dict[int, list[PlaybookAction]] = {}
        ids = [run.id for run, _p, _a in rows]
        if ids:
            found = select(PlaybookAction).where(PlaybookAction.run_id.in_(ids))
            for action in self.session.scalars(found.order_by(PlaybookAction.position)):
                actions.setdefault(action.run_id, []).append(action)
        return [(run, p, a, actions.get(run.id, [])) for run, p, a in rows]


def _open(reclaim_before: datetime, max_attempts: int) -> Any:
    return or_(
        PlaybookAction.status == "pending",
        and_(PlaybookAction.status == "failed", PlaybookAction.attempts < max_attempts),
        and_(PlaybookAction.status == "running", PlaybookAction.started_at < reclaim_before),
    )


class TriggerFacts:
    """What some triggers read beside the day's features and health."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def overdue_milestones(self, due_before: date, open_at: datetime) -> list[tuple[int, int, str]]:
        """(account, milestone, name) due before ``due_before`` and not done at ``open_at``."""
        stmt = select(Milestone.account_id, Milestone.id, Milestone.name).where(
            Milestone.due_date < due_before,
            or_(Milestone.done_at.is_(None), Milestone.done_at > open_at),
        )
        return [(a, m, n) for a, m, n in self.session.execute(stmt)]

    def escalated_tickets(self, at: datetime) -> list[tuple[int, int, str]]:
        """(account, ticket, subject) escalated and open at ``at``."""
        stmt = select(Ticket.account_id, Ticket.id, Ticket.subject).where(
            Ticket.escalated.is_(True),
            Ticket.opened_at < at,
            or_(Ticket.resolved_at.is_(None), Ticket.resolved_at > at),
        )
        return [(a, t, s) for a, t, s in self.session.execute(stmt)]

    def tickets_opened(self, since: datetime, until: datetime) -> dict[int, int]:
        stmt = (
            select(Ticket.account_id, func.count())
            .where(Ticket.opened_at >= since, Ticket.opened_at < until)
            .group_by(Ticket.account_id)
        )
        return {a: int(n) for a, n in self.session.execute(stmt)}

    def nps_answers(
        self, since: datetime, until: datetime
    ) -> list[tuple[int, int, int, str | None]]:
        """(account, response, score, comment) of the NPS answers in [since, until)."""
        stmt = select(
            SurveyResponse.account_id,
            SurveyResponse.id,
            SurveyResponse.score,
            SurveyResponse.comment,
        ).where(
            SurveyResponse.kind == SurveyKind.NPS,
            SurveyResponse.answered_at >= since,
            SurveyResponse.answered_at < until,
        )
        return [(a, r, s, c) for a, r, s, c in self.session.execute(stmt)]

    def segment_moves(
        self, segment: str, first: date, last: date, *, entered: bool
    ) -> list[tuple[int, date]]:
        """(account, day) of the accounts that entered (or left) ``segment`` in [first, last]."""
        day = SegmentMember.entered_on if entered else SegmentMember.left_on
        stmt = (
            select(SegmentMember.account_id, day)
            .join(Segment, Segment.id == SegmentMember.segment_id)
            .where(Segment.name == segment, day >= first, day <= last)
        )
        return [(a, d) for a, d in self.session.execute(stmt) if d is not None]


class Recipients:
    """Accounts, owners and contacts of the accounts a playbook fired for."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def accounts(self, ids: Sequence[int]) -> dict[int, Account]:
        found: dict[int, Account] = {}
        for start in range(0, len(ids), CHUNK):
            stmt = select(Account).where(Account.id.in_(ids[start : start + CHUNK]))
            found.update((a.id, a) for a in self.session.scalars(stmt))
        return found

    def users(self, ids: Sequence[int]) -> dict[int, User]:
        if not ids:
            return {}
        return {u.id: u for u in self.session.scalars(select(User).where(User.id.in_(ids)))}

    def contacts(self, account_ids: Sequence[int]) -> dict[int, list[Contact]]:
        found: dict[int, list[Contact]] = {}
        for start in range(0, len(account_ids), CHUNK):
            stmt = (
                select(Contact)
                .where(Contact.account_id.in_(account_ids[start : start + CHUNK]))
                .order_by(Contact.id)
            )
            for contact in self.session.scalars(stmt):
                found.setdefault(contact.account_id, []).append(contact)
        return found
