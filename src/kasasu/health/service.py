"""The daily refresh's health steps (DESIGN.md §3) after the features: scores → touch models.

Each step reads what the previous one wrote for the day and replaces its own rows for that
day, so a re-run for a date replaces that date's snapshot and never duplicates it. The
caller (``kasasu refresh``, the scheduler) runs each step in its own transaction.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kasasu.domain.scoring import Scorecard, ScoreTable, score_table
from kasasu.errors import InvalidInput
from kasasu.health.features import Accounts, Features, RefreshConfig, TouchRule, read_accounts
from kasasu.health.repository import HealthBriefRepository, SnapshotRepository
from kasasu.health.schemas import ScorecardDefinition
from kasasu.health.scorecards import (
    active_scorecards,
    ensure_default_scorecard,
    list_scorecards,
)
from kasasu.kit.i18n import _


def scored_days(session: Session, days: Sequence[date]) -> set[date]:
    """The days among ``days`` that already have health scores."""
    return SnapshotRepository(session).score_dates(days)


def score_day(
    session: Session,
    day: date,
    *,
    features: Features | None = None,
    accounts: Accounts | None = None,
    touch: TouchRule | None = None,
) -> int:
    """Step 3: scores for every account with features on ``day``, each by the first
    scorecard that matches it (its segment); replaces the day's scores. Returns how many."""
    repo = SnapshotRepository(session)
    features = repo.features_on(day) if features is None else features
    if not features:
        raise InvalidInput(
            _("No features for {day}: run 'kasasu refresh --as-of {day}'", day=day.isoformat())
        )
    ensure_default_scorecard(session)
    cards = active_scorecards(session)
    accounts = accounts or read_accounts(session)
    rows = [
        {
            "account_id": account_id,
            "as_of": day,
            "scorecard_version_id": version_id,
            "score": table.score_of(i),
            "band": table.band(i).value,
            "coverage": table.coverage_of(i),
            "measures": _measures(table, i),
            "touch_model": None,
            "segment": table.card.name,
        }
        for version_id, account_ids, table in score_features(cards, accounts, features, touch)
        for i, account_id in enumerate(account_ids)
    ]
    repo.replace_scores(day, rows)
    return len(rows)


def score_features(
    cards: Sequence[tuple[int, Scorecard]],
    accounts: Mapping[int, Mapping[str, Any]],
    features: Sequence[tuple[int, dict[str, Any]]],
    touch: TouchRule | None = None,
) -> Iterator[tuple[int, list[int], ScoreTable]]:
    """(card version id, account ids, their scores) per card that scores some account.

    Each account is scored by the first card that matches it (cards are in priority
    order), and percentiles are taken among the accounts of the same card. With ``touch``,
    an account without a touch model of its own matches cards by the one its MRR gives it.
    """
    groups: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for account_id, values in features:
        account = accounts[account_id]
        if touch is not None and not account["touch_model"]:
            account = {**account, "touch_model": touch.assign(values.get("mrr"))}
        version_id = next((v for v, card in cards if card.matches(account)), None)
        if version_id is not None:
            groups.setdefault(version_id, []).append((account_id, values))
    by_id = dict(cards)
    for version_id, members in groups.items():
        table = score_table(by_id[version_id], [values for _id, values in members])
        yield version_id, [account_id for account_id, _values in members], table


def _measures(table: ScoreTable, i: int) -> list[dict[str, Any]]:
    """What a snapshot stores per measure (NaN, "no data", as null)."""
    values, points, parts = (
        [None if math.isnan(x) else x for x in column[i].tolist()]
        for column in (table.values, table.points, table.contributions)
    )
    return [
        {
            "metric": m.metric,
            "value": v,
            "points": p,
            "weight": m.weight,
            "contribution": c,
        }
        for m, v, p, c in zip(table.card.measures, values, points, parts, strict=True)
    ]


def assign_touch_models(
    session: Session,
    day: date,
    config: RefreshConfig,
    *,
    features: Features | None = None,
    accounts: Accounts | None = None,
) -> int:
    """Step 4: the touch model of each account scored on ``day``: its own when set by hand
    (or import), else by MRR (``RefreshConfig.touch``). Returns accounts assigned."""
    repo = SnapshotRepository(session)
    accounts = accounts or read_accounts(session)
    features = repo.features_on(day) if features is None else features
    mrr = {account_id: values.get("mrr") for account_id, values in features}
    assigned = {
        account_id: accounts[account_id]["touch_model"] or config.touch.assign(value)
        for account_id, value in mrr.items()
    }
    return repo.set_touch_models(day, assigned)


@dataclass(frozen=True)
class ScorecardPreview:
    as_of: date | None
    current: dict[str, int]  # band → accounts, as stored for the day
    proposed: dict[str, int]  # band → accounts, had the card been in use


def preview_scorecard(
    session: Session, definition: ScorecardDefinition, touch: TouchRule
) -> ScorecardPreview:
    """The band distribution on the latest day scored if ``definition`` replaced its
    namesake (or joined the cards): what switching would do, before saving it."""
    repo = SnapshotRepository(session)
    day = repo.latest_score_date()
    if day is None:
        return ScorecardPreview(None, {}, {})
    ensure_default_scorecard(session)
    others = [
        ScorecardDefinition.model_validate(read.definition)
        for read in list_scorecards(session)
        if read.name != definition.name
    ]
    ordered = sorted([*others, definition], key=lambda d: (d.priority, d.name))
    cards = [(n, d.to_domain()) for n, d in enumerate(ordered)]
    proposed: dict[str, int] = {}
    for _version, _ids, table in score_features(
        cards, read_accounts(session), repo.features_on(day), touch
    ):
        for i in range(len(table)):
            band = table.band(i).value
            proposed[band] = proposed.get(band, 0) + 1
    return ScorecardPreview(day, HealthBriefRepository(session).bands_on(day), proposed)


def health_on(session: Session, day: date) -> dict[int, dict[str, Any]]:
    """Each account's score, band and touch model on ``day`` (what segment rules read)."""
    return {
        account_id: {"score": score, "band": band, "touch_model": touch}
        for account_id, score, band, touch in SnapshotRepository(session).scores_on(day)
    }


def health_on_or_before(session: Session, day: date) -> dict[int, dict[str, Any]]:
    """Health on the latest scored day on or before ``day`` (none before the first)."""
    found = HealthBriefRepository(session).latest_day_on_or_before(day)
    return health_on(session, found) if found else {}


def features_on(session: Session, day: date) -> list[tuple[int, dict[str, Any]]]:
    """Every account's stored features as of ``day`` (by account id)."""
    return SnapshotRepository(session).features_on(day)


def feature_days(session: Session, first: date, last: date) -> list[date]:
    """The days in [first, last] that have stored features (refreshed days), in order."""
    return SnapshotRepository(session).feature_dates(first, last)
