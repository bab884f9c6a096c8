"""Health at a glance for the pages: per account on a list, and the distribution."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from kasasu.analytics.features import RISK
from kasasu.domain.choices import TouchModel
from kasasu.domain.scoring import Band
from kasasu.health.repository import (
    HealthBriefRepository,
    SnapshotRepository,
    WorsenedRow,
    worsened,
)

WEEK = 7  # days: "this week" of the dashboard and the home page


@dataclass(frozen=True)
class HealthBrief:
    score: float | None
    band: str
    mrr: float | None
    days_to_renewal: float | None
    touch_model: TouchModel | None = None
    churn_risk: float | None = None  # the churn model's, when the refresh of that day had one


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


@dataclass(frozen=True)
class BandChanges:
    """The accounts whose band worsened from ``before`` (the latest day scored on or before
    a week earlier) to ``day`` (the latest day scored); empty before two such days."""

    day: date | None
    before: date | None
    rows: list[WorsenedRow] = field(default_factory=list)  # the first ``limit`` asked
    per_owner: dict[int | None, int] = field(default_factory=dict)  # all, per owner

    def total(self, owner_id: int | None = None) -> int:
        """How many worsened: of ``owner_id``, or everyone's."""
        if owner_id is None:
            return sum(self.per_owner.values())
        return self.per_owner.get(owner_id, 0)


def latest_briefs(session: Session, account_ids: Sequence[int]) -> dict[int, HealthBrief]:
    """Each account's health and MRR on the latest day scored (two queries, any page size)."""
    day = SnapshotRepository(session).latest_score_date()
    if day is None or not account_ids:
        return {}
    rows = HealthBriefRepository(session).on_day(day, account_ids)
    return {
        account_id: HealthBrief(
            score,
            band,
            features.get("mrr"),
            features.get("days_to_renewal"),
            touch,
            features.get(RISK),
        )
        for account_id, score, band, features, touch in rows
    }


def previous_scores(
    session: Session, account_ids: Sequence[int], before: date | None
) -> dict[int, float | None]:
    """Each account's score on ``before`` (the day "this week" compares with,
    :func:`compared_days`); none when there is no such day."""
    if before is None or not account_ids:
        return {}
    return {
        r.account_id: r.score for r in HealthBriefRepository(session).on_day(before, account_ids)
    }


def health_overview(session: Session) -> HealthOverview:
    """The latest band distribution, the one about a week before, and who turned red."""
    day, before = compared_days(session)
    if day is None:
        return HealthOverview(None)
    repo = HealthBriefRepository(session)
    worse = repo.worsened(day, before) if before else []
    return HealthOverview(
        as_of=day,
        bands=repo.bands_on(day),
        week_before=before,
        bands_before=repo.bands_on(before) if before else {},
        turned_red=[
            TurnedRed(r.account_id, r.external_id, r.name, r.score)
            for r in worse
            if r.band == Band.RED
        ],
    )


def compared_days(session: Session) -> tuple[date | None, date | None]:
    """The latest day scored, and the latest day scored on or before a week earlier (the
    day "this week" compares with); None where there is none."""
    day = SnapshotRepository(session).latest_score_date()
    if day is None:
        return None, None
    return day, HealthBriefRepository(session).latest_day_on_or_before(day - timedelta(days=WEEK))


def band_changes(
    session: Session, owner_id: int | None = None, limit: int | None = None
) -> BandChanges:
    """Whose band worsened in about the last week (of ``owner_id``, or everyone's): the
    first ``limit`` (all when None), and how many per owner."""
    day, before = compared_days(session)
    if day is None or before is None:
        return BandChanges(day, before)
    repo = HealthBriefRepository(session)
    rows = repo.worsened(day, before, owner_id, limit)
    return BandChanges(day, before, rows, repo.worsened_per_owner(day, before))


def worsened_accounts(day: Any, before: Any) -> Select[Any]:
    """The ids of the accounts whose band worsened from ``before`` to ``day`` (dates or
    scalar subqueries), for a list's filter: what :func:`band_changes` lists."""
    return worsened(day, before)


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


def feature_days(session: Session) -> list[date]:
    """Every day with stored features, the oldest first."""
    return SnapshotRepository(session).feature_dates()


def features_on(session: Session, day: date) -> list[tuple[int, dict[str, Any]]]:
    """(account id, features) of every account with a snapshot on ``day``."""
    return SnapshotRepository(session).features_on(day)


def store_features(
    session: Session, day: date, features: Sequence[tuple[int, dict[str, Any]]]
) -> None:
    """The day's snapshot replaced by ``features`` (a later step added values to them)."""
    rows = [{"account_id": a, "as_of": day, "features": f} for a, f in features]
    SnapshotRepository(session).replace_features(day, rows)


def scores_on_days(session: Session, days: Sequence[date]) -> dict[tuple[int, date], float]:
    """(account id, day) → health score, for the accounts scored (with enough data) then."""
    return SnapshotRepository(session).scores_by_day(days)
