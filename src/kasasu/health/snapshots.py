"""Health at a glance for the pages: per account on a list, and the distribution."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from kasasu.domain.choices import TouchModel
from kasasu.health.repository import HealthBriefRepository, SnapshotRepository


@dataclass(frozen=True)
class HealthBrief:
    score: float | None
    band: str
    mrr: float | None
    days_to_renewal: float | None
    touch_model: TouchModel | None = None


@dataclass(frozen=True)
class TouchChange:
    """From ``as_of`` (a refresh day) the account had ``touch_model`` (None: none)."""

    as_of: date
    touch_model: TouchModel | None


@dataclass(frozen=True)
class TurnedRed:
    account_id: int
    external_id: str
    name: str
    score: float | None


@dataclass(frozen=True)
class HealthOverview:
    as_of: date | None
    bands: dict[str, int] = field(default_factory=dict)
    week_before: date | None = None
    bands_before: dict[str, int] = field(default_factory=dict)
    turned_red: list[TurnedRed] = field(default_factory=list)


def latest_briefs(session: Session, account_ids: Sequence[int]) -> dict[int, HealthBrief]:
    """Each account's health and MRR on the latest day scored (two queries, any page size)."""
    day = SnapshotRepository(session).latest_score_date()
    if day is None or not account_ids:
        return {}
    rows = HealthBriefRepository(session).on_day(day, account_ids)
    return {
        account_id: HealthBrief(
            score, band, features.get("mrr"), features.get("days_to_renewal"), touch
        )
        for account_id, score, band, features, touch in rows
    }


def health_overview(session: Session) -> HealthOverview:
    """The latest band distribution, the one about a week before, and who turned red."""
    repo = HealthBriefRepository(session)
    day = SnapshotRepository(session).latest_score_date()
    if day is None:
        return HealthOverview(None)
    before = repo.latest_day_on_or_before(day - timedelta(days=7))
    return HealthOverview(
        as_of=day,
        bands=repo.bands_on(day),
        week_before=before,
        bands_before=repo.bands_on(before) if before else {},
        turned_red=[TurnedRed(*row) for row in repo.turned_red(day, before)] if before else [],
    )


def mrr_history(session: Session, account_id: int, first: date) -> list[tuple[date, float | None]]:
    """The account's MRR on each snapshot day since ``first`` (what the refreshes saw)."""
    return SnapshotRepository(session).mrr_history(account_id, first)


def latest_refresh_day(session: Session) -> date | None:
    """The latest day the refresh scored (what "now" means for segments and touch models)."""
    return SnapshotRepository(session).latest_score_date()


def touch_history(session: Session, account_id: int) -> list[TouchChange]:
    """The refresh days on which the account's touch model changed: the first day it was
    scored, then each day it differed from the day before. Newest first."""
    changes: list[TouchChange] = []
    for day, touch in SnapshotRepository(session).touch_models_of(account_id):
        if not changes or changes[-1].touch_model != touch:
            changes.append(TouchChange(day, touch))
    return changes[::-1]
