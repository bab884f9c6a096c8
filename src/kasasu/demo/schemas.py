"""What the demo generator is asked for, and what it reports back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from kasasu.kit.i18n import Message
from kasasu.kit.types import Day

# (step, done, total): the CLI turns this into a Rich progress bar.
ProgressCallback = Callable[[Message, int, int], None]

DEFAULT_ACCOUNTS = 2_000
DEFAULT_MONTHS = 24
DEFAULT_SEED = 1


@dataclass(frozen=True)
class DemoOptions:
    as_of: date  # the data ends here (exclusive)
    zone: str  # the reporting zone: months, office hours and dates are local to it
    currency: str  # the reporting currency; contracts are in JPY, rates are added if needed
    accounts: int = DEFAULT_ACCOUNTS
    months: int = DEFAULT_MONTHS
    seed: int = DEFAULT_SEED


@dataclass(frozen=True)
class DemoSummary:
    skipped: bool  # --if-empty found accounts and did nothing
    existing_accounts: int = 0
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written
    events: int = 0
    first_day: Day | None = None
    last_day: Day | None = None
    # The sample product's SDK environment (examples/host-app): public key and secret.
    sdk: tuple[str, str] | None = None
