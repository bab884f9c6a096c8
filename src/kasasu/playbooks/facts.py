"""The day's facts that triggers and conditions read, loaded from the database on demand."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kasasu.community.stats import first_posts, unanswered_questions
from kasasu.health.features import read_accounts
from kasasu.health.service import features_on as stored_features
from kasasu.health.service import health_on, health_on_or_before
from kasasu.playbooks.repository import TriggerFacts
from kasasu.subscriptions.service import failing_invoices
from kasasu.webinars.service import event_outcomes


class DayFacts:
    """Facts as of ``day``, each read once however many playbooks ask."""

    def __init__(self, session: Session, day: date, zone: str) -> None:
        self.session, self.day, self.zone = session, day, zone
        self._features: dict[int, Mapping[str, Any]] | None = None
        self._accounts: Mapping[int, Mapping[str, Any]] | None = None
        self._repo = TriggerFacts(session)
        self._memo: dict[Any, Any] = {}

    def _once(self, key: Any, load: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = load()
        return self._memo[key]

    def instant(self, day: date) -> datetime:
        """00:00 of ``day`` in the reporting zone, in UTC: where a local day begins."""
        return datetime.combine(day, time(0), ZoneInfo(self.zone)).astimezone(UTC)

    @property
    def end(self) -> datetime:
        return self.instant(self.day + timedelta(days=1))

    def features(self) -> Mapping[int, Mapping[str, Any]]:
        if self._features is None:
            self._features = dict(stored_features(self.session, self.day))
        return self._features

    def accounts(self) -> Mapping[int, Mapping[str, Any]]:
        if self._accounts is None:
            self._accounts = read_accounts(self.session)
        return self._accounts

    def health(self) -> Mapping[int, Mapping[str, Any]]:
        health: Mapping[int, Mapping[str, Any]] = self._once(
            "health", lambda: health_on(self.session, self.day)
        )
        return health

    def previous_health(self) -> Mapping[int, Mapping[str, Any]]:
        return self.health_days_back(1)

    def health_days_back(self, days: int) -> Mapping[int, Mapping[str, Any]]:
        """Health on the latest scored day at least ``days`` before this one."""
        day = self.day - timedelta(days=days)
        health: Mapping[int, Mapping[str, Any]] = self._once(
            ("back", days), lambda: health_on_or_before(self.session, day)
        )
        return health

    def overdue_milestones(self, grace_days: int) -> list[tuple[int, int, str]]:
        return self._repo.overdue_milestones(self.day - timedelta(days=grace_days), self.end)

    def escalated_tickets(self) -> list[tuple[int, int, str]]:
        return self._repo.escalated_tickets(self.end)

    def failed_payments(self) -> list[tuple[int, str, int, str]]:
        return failing_invoices(self.session, self.end)

    def event_outcomes(
        self, outcome: str, days: int
    ) -> list[tuple[int, int, int, Any, str | None]]:
        """(account, event, contact, title, recording) attended (or no-shows recorded) in
        the last ``days`` days."""
        start = self.instant(self.day - timedelta(days=days - 1))
        return event_outcomes(self.session, outcome, start, self.end)

    def unanswered_questions(self, hours: int, days: int) -> list[tuple[int, int, int, str]]:
        """(account, post, asker, title) of questions asked in the last ``days`` days and
        at least ``hours`` before the day began, that nobody else has answered."""
        start = self.instant(self.day)
        return unanswered_questions(
            self.session,
            start - timedelta(hours=hours),
            self.instant(self.day - timedelta(days=days)),
        )

    def first_posts(self, days: int) -> list[tuple[int, int, int, str]]:
        """(account, contact, post, title) of first threads in the last ``days`` days."""
        return first_posts(
            self.session, self.instant(self.day - timedelta(days=days - 1)), self.end
        )

    def tickets_opened(self, days: int) -> Mapping[int, int]:
        return self._repo.tickets_opened(
            self.instant(self.day - timedelta(days=days - 1)), self.end
        )

    def nps_answers(self, days: int) -> list[tuple[int, int, int, str | None]]:
        return self._repo.nps_answers(self.instant(self.day - timedelta(days=days - 1)), self.end)

    def segment_moves(self, segment: str, days: int, *, entered: bool) -> list[tuple[int, date]]:
        first = self.day - timedelta(days=days - 1)
        return self._repo.segment_moves(segment, first, self.day, entered=entered)
