"""What every trigger kind shares: a firing (the account, the occurrence and what
happened), the day's facts triggers read, and the kind itself (how it fires, how a person
reads it)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from kasasu.kit.i18n import Message

Health = Mapping[int, Mapping[str, Any]]


@dataclass(frozen=True)
class Firing:
    account_id: int
    window: str
    summary: Message  # what happened, for the log and the templates' {{ trigger.summary }}
    # The contacts it is about (an email or survey "to: trigger"); the event it names.
    contacts: tuple[int, ...] = ()
    event: Mapping[str, Any] | None = field(default=None, compare=False)


class Facts(Protocol):
    """What triggers read for the day (loaded once, on demand)."""

    day: date

    def features(self) -> Mapping[int, Mapping[str, Any]]: ...
    def health(self) -> Health: ...
    def previous_health(self) -> Health: ...
    def health_days_back(self, days: int) -> Health: ...
    def overdue_milestones(self, grace_days: int) -> list[tuple[int, int, str]]: ...
    def escalated_tickets(self) -> list[tuple[int, int, str]]: ...
    def failed_payments(self) -> list[tuple[int, str, int, str]]: ...
    def event_outcomes(
        self, outcome: str, days: int
    ) -> list[tuple[int, int, int, Any, str | None]]: ...
    def unanswered_questions(self, hours: int, days: int) -> list[tuple[int, int, int, str]]: ...
    def first_posts(self, days: int) -> list[tuple[int, int, int, str]]: ...
    def tickets_opened(self, days: int) -> Mapping[int, int]: ...
    def nps_answers(self, days: int) -> list[tuple[int, int, int, str | None]]: ...
    def segment_moves(
        self, segment: str, days: int, *, entered: bool
    ) -> list[tuple[int, date]]: ...


@dataclass(frozen=True)
class TriggerKind:
    """One kind of trigger: who it fires for, and how a person reads it with its
    parameters ("Renewal in 90 days"), from the definition as stored (a mapping: one stored
    under an older schema is still shown)."""

    type: str
    fire: Callable[[Any, Facts], list[Firing]]
    words: Callable[[Mapping[str, Any], str], Message]  # (trigger, locale)
