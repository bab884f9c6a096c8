"""What an import takes and what it reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from kasasu.kit.i18n import Message


class ImportKind(StrEnum):
    ACCOUNTS = "accounts"
    CONTACTS = "contacts"
    SUBSCRIPTIONS = "subscriptions"
    TICKETS = "tickets"
    RESPONSES = "responses"
    ACTIVITIES = "activities"
    MILESTONES = "milestones"
    FEEDBACK = "feedback"
    LEADS = "leads"
    DEALS = "deals"
    EXCHANGE_RATES = "exchange-rates"
    EVENTS = "events"


@dataclass(frozen=True)
class RowError:
    """One bad cell (or row): where the user finds it, what it holds and why it is refused."""

    row: int
    column: str
    value: object
    reason: Message


@dataclass(frozen=True)
class ImportOptions:
    """Plain values from the edge: where the file's times are, its default currency."""

    zone: str
    currency: str
    skip_bad_rows: bool = False
    dry_run: bool = False
    overrides: dict[str, str] = field(default_factory=dict)
    # A contact the file names that is not one of the row's account's is left out rather
    # than refused (a helpdesk's requesters: import profiles of tickets).
    contacts_if_known: bool = False
    # The installation's own import profiles (KASASU_CONNECTORS__PROFILES_FILE).
    profiles_file: Path | None = None


@dataclass(frozen=True)
class ImportResult:
    kind: ImportKind
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    custom_columns: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def skipped_rows(self) -> list[int]:
        return sorted({e.row for e in self.skipped})


# Called as work advances: (stage, done, total). The CLI draws it as a Rich progress bar.
Progress = Callable[[Message, int, int], None]
