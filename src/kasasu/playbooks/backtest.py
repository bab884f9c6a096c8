"""Replaying the stored history: which accounts each playbook would have reached, and how
many of them stopped paying afterwards — does a playbook find the accounts at risk, and
early enough to act?"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.health.service import feature_days, features_on
from kasasu.kit.i18n import _
from kasasu.playbooks.definitions import enabled_playbooks
from kasasu.playbooks.facts import DayFacts
from kasasu.playbooks.selection import new_firings


@dataclass
class PlaybookReach:
    name: str
    reached: int = 0  # accounts it would have fired for at least once
    churned: int = 0  # of them, not paying any more on the last day
    first_reached: dict[int, date] = field(default_factory=dict, repr=False)

    @property
    def churn_rate(self) -> float | None:
        return self.churned / self.reached if self.reached else None


@dataclass
class PlaybookBacktest:
    first: date  # the first and last refreshed days replayed
    last: date
    days: int  # refreshed days replayed (the history's own spacing)
    paying: int  # accounts paying on the first day …
    churned: int  # … and of them, not paying on the last day: the base rate
    playbooks: list[PlaybookReach]

    @property
    def base_rate(self) -> float | None:
        return self.churned / self.paying if self.paying else None


def backtest_playbooks(
    session: Session,
    last: date,
    days: int,
    zone: str,
    only: Sequence[str] = (),
    *,
    tick: Callable[[int, int], None] | None = None,
) -> PlaybookBacktest:
    """Fire every enabled playbook on each refreshed day of the ``days`` before ``last``
    (cool-downs and occurrences as in a real run, nothing stored) and compare with who was
    still paying on ``last``, the latest refreshed day up to it. ``tick(done, total)`` follows
    the days replayed."""
    history = feature_days(session, last - timedelta(days=days), last)
    if len(history) < 2:
        raise InvalidInput(_("No refreshed history to replay: run kasasu refresh --backfill first"))
    *replayed, end = history
    paying_at_end = {a for a, _f in features_on(session, end)}
    paying_at_start = {a for a, _f in features_on(session, replayed[0])}
    playbooks = [(p, PlaybookReach(p.name)) for _i, p in enabled_playbooks(session)]
    playbooks = [(p, r) for p, r in playbooks if not only or p.name in only]
    memory: dict[str, list[tuple[int, str, date]]] = {p.name: [] for p, _r in playbooks}
    for done, day in enumerate(replayed):
        if tick:
            tick(done, len(replayed))
        facts = DayFacts(session, day, zone)
        for playbook, reach in playbooks:
            firings, _held = new_firings(playbook, facts, memory[playbook.name])
            memory[playbook.name] += [(f.account_id, f.window, day) for f in firings]
            for f in firings:
                reach.first_reached.setdefault(f.account_id, day)
    for _p, reach in playbooks:
        reach.reached = len(reach.first_reached)
        reach.churned = sum(1 for a in reach.first_reached if a not in paying_at_end)
    return PlaybookBacktest(
        first=replayed[0],
        last=end,
        days=len(replayed),
        paying=len(paying_at_start),
        churned=len(paying_at_start - paying_at_end),
        playbooks=[r for _p, r in playbooks],
    )
