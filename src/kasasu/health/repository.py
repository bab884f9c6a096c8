"""Scorecards, their versions, and the dated feature and health snapshots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, case, delete, func, insert, select, update
from sqlalchemy.orm import Session, aliased

from kasasu.db.repository import Repository
from kasasu.domain.account_fields import FACT_FIELDS
from kasasu.domain.choices import TouchModel
from kasasu.domain.scoring import CONCERN
from kasasu.models import (
    Account,
    FeatureSnapshot,
    HealthScore,
    Scorecard,
    ScorecardVersion,
)

CHUNK = 1000


class ScoreRow(NamedTuple):
    account_id: int
    score: float | None
    band: str
    touch_model: TouchModel | None


class BriefRow(NamedTuple):
    account_id: int
    score: float | None
    band: str
    features: dict[str, Any]
    touch_model: TouchModel | None


class WorsenedRow(NamedTuple):
    account_id: int
    external_id: str
    name: str
    owner_id: int | None
    score: float | None
    band: str
    band_before: str | None  # None: not scored on the day before
    measures: list[dict[str, Any]]
    mrr: float | None
    days_to_renewal: float | None


def _concern(band: Any) -> ColumnElement[int]:
    """:data:`kasasu.domain.scoring.CONCERN` as SQL (a band not in it, or none, is 0)."""
    return case(CONCERN, value=band, else_=0)


def worsened(day: Any, before: Any) -> Select[Any]:
    """The ids of the accounts whose band on ``day`` asks for more attention than on
    ``before`` (dates or scalar subqueries): green to yellow or red, yellow to red, and red
    or yellow from not enough data or not scored."""
    earlier = aliased(HealthScore)
    return (
        select(HealthScore.account_id)
        .outerjoin(
            earlier, (earlier.account_id == HealthScore.account_id) & (earlier.as_of == before)
        )
        .where(HealthScore.as_of == day, _concern(HealthScore.band) > _concern(earlier.band))
    )


class ScorecardRepository(Repository[Scorecard]):
    model = Scorecard

    def get_by_name(self, name: str) -> Scorecard | None:
        return self.session.scalars(select(Scorecard).where(Scorecard.name == name)).one_or_none()

    def latest_version(self, scorecard_id: int) -> ScorecardVersion | None:
        stmt = (
            select(ScorecardVersion)
            .where(ScorecardVersion.scorecard_id == scorecard_id)
            .order_by(ScorecardVersion.version.desc())
            .limit(1)
        )
        return self.session.scalars(stmt).one_or_none()

    def list_latest(self) -> list[tuple[Scorecard, ScorecardVersion]]:
        """Every scorecard with its latest version, by priority then name."""
        newest = (
            select(ScorecardVersion.scorecard_id, func.max(ScorecardVersion.version).label("v"))
            .group_by(ScorecardVersion.scorecard_id)
            .subquery()
        )
        stmt = (
            select(Scorecard, ScorecardVersion)
            .join(newest, newest.c.scorecard_id == Scorecard.id)
            .join(
                ScorecardVersion,
                (ScorecardVersion.scorecard_id == Scorecard.id)
                & (ScorecardVersion.version == newest.c.v),
            )
            .order_by(Scorecard.priority, Scorecard.name)
        )
        return [(card, version) for card, version in self.session.execute(stmt)]

    def get_version(self, version_id: int) -> ScorecardVersion | None:
        return self.session.get(ScorecardVersion, version_id)

    def versions_by_id(self, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
        """Version id → (scorecard name, version number)."""
        stmt = (
            select(ScorecardVersion.id, Scorecard.name, ScorecardVersion.version)
            .join(Scorecard, Scorecard.id == ScorecardVersion.scorecard_id)
            .where(ScorecardVersion.id.in_(list(set(ids))))
        )
        return {row_id: (name, version) for row_id, name, version in self.session.execute(stmt)}


class SnapshotRepository:
    """Feature and health snapshots: written per day in bulk, replaced on a re-run."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def account_facts(self) -> list[dict[str, Any]]:
        """The account fields scorecards and touch models look at, for every account."""
        columns = [getattr(Account, name) for name in FACT_FIELDS]
        rows = self.session.execute(select(*columns).order_by(Account.id))
        return [dict(zip(FACT_FIELDS, row, strict=True)) for row in rows]

    def replace_features(self, as_of: date, rows: Sequence[dict[str, Any]]) -> None:
        self.session.execute(delete(FeatureSnapshot).where(FeatureSnapshot.as_of == as_of))
        self._insert(FeatureSnapshot, rows)

    def replace_scores(self, as_of: date, rows: Sequence[dict[str, Any]]) -> None:
        self.session.execute(delete(HealthScore).where(HealthScore.as_of == as_of))
        self._insert(HealthScore, rows)

    def _insert(self, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
        # Core, not the ORM's bulk path: these rows need no identity map (~2× faster here).
        table = model.__table__
        for start in range(0, len(rows), CHUNK):
            self.session.connection().execute(insert(table), list(rows[start : start + CHUNK]))

    def set_touch_models(self, as_of: date, touch: dict[int, Any]) -> int:
        rows = self.session.execute(
            select(HealthScore.id, HealthScore.account_id).where(HealthScore.as_of == as_of)
        ).all()
        values = [{"id": i, "touch_model": touch.get(a)} for i, a in rows]
        for start in range(0, len(values), CHUNK):
            self.session.execute(update(HealthScore), values[start : start + CHUNK])
        return len(values)

    def features_on(self, as_of: date) -> list[tuple[int, dict[str, Any]]]:
        stmt = (
            select(FeatureSnapshot.account_id, FeatureSnapshot.features)
            .where(FeatureSnapshot.as_of == as_of)
            .order_by(FeatureSnapshot.account_id)
        )
        return [(account_id, features) for account_id, features in self.session.execute(stmt)]

    def features_of(self, account_id: int, as_of: date) -> dict[str, Any]:
        """The account's stored features on ``as_of`` ({} when none)."""
        stmt = select(FeatureSnapshot.features).where(
            FeatureSnapshot.account_id == account_id, FeatureSnapshot.as_of == as_of
        )
        found: dict[str, Any] | None = self.session.scalar(stmt)
        return found or {}

    def feature_dates(self, first: date | None = None, last: date | None = None) -> list[date]:
        stmt = select(FeatureSnapshot.as_of).distinct().order_by(FeatureSnapshot.as_of)
        if first is not None:
            stmt = stmt.where(FeatureSnapshot.as_of >= first)
        if last is not None:
            stmt = stmt.where(FeatureSnapshot.as_of <= last)
        return list(self.session.scalars(stmt))

    def scores_for(self, account_id: int, first: date, last: date) -> list[HealthScore]:
        stmt = (
            select(HealthScore)
            .where(
                HealthScore.account_id == account_id,
                HealthScore.as_of >= first,
                HealthScore.as_of <= last,
            )
            .order_by(HealthScore.as_of)
        )
        return list(self.session.scalars(stmt))

    def mrr_history(self, account_id: int, first: date) -> list[tuple[date, Any]]:
        """(day, MRR) from the account's feature snapshots since ``first``."""
        stmt = (
            select(FeatureSnapshot.as_of, FeatureSnapshot.features)
            .where(FeatureSnapshot.account_id == account_id, FeatureSnapshot.as_of >= first)
            .order_by(FeatureSnapshot.as_of)
        )
        return [(day, features.get("mrr")) for day, features in self.session.execute(stmt)]

    def touch_models_of(self, account_id: int) -> list[tuple[date, Any]]:
        """(day, touch model) of every day the account was scored, oldest first."""
        stmt = (
            select(HealthScore.as_of, HealthScore.touch_model)
            .where(HealthScore.account_id == account_id)
            .order_by(HealthScore.as_of)
        )
        return [(day, touch) for day, touch in self.session.execute(stmt)]

    def scores_by_day(self, days: Sequence[date]) -> dict[tuple[int, date], float]:
        stmt = select(HealthScore.account_id, HealthScore.as_of, HealthScore.score).where(
            HealthScore.as_of.in_(list(days)), HealthScore.score.is_not(None)
        )
        return {(a, d): float(s) for a, d, s in self.session.execute(stmt) if s is not None}

    def scores_on(self, as_of: date) -> list[ScoreRow]:
        """Every account scored on ``as_of``."""
        stmt = select(
            HealthScore.account_id, HealthScore.score, HealthScore.band, HealthScore.touch_model
        ).where(HealthScore.as_of == as_of)
        return [ScoreRow(*row) for row in self.session.execute(stmt)]

    def latest_score_date(self, account_id: int | None = None) -> date | None:
        stmt = select(func.max(HealthScore.as_of))
        if account_id is not None:
            stmt = stmt.where(HealthScore.account_id == account_id)
        found: date | None = self.session.scalar(stmt)
        return found

    def score_dates(self, days: Sequence[date]) -> set[date]:
        stmt = select(HealthScore.as_of).distinct().where(HealthScore.as_of.in_(list(days)))
        return set(self.session.scalars(stmt))

    def count_scores(self, as_of: date) -> int:
        stmt = select(func.count()).select_from(HealthScore).where(HealthScore.as_of == as_of)
        return int(self.session.scalar(stmt) or 0)

    def count_features(self, as_of: date) -> int:
        stmt = (
            select(func.count()).select_from(FeatureSnapshot).where(FeatureSnapshot.as_of == as_of)
        )
        return int(self.session.scalar(stmt) or 0)


class HealthBriefRepository:
    """Latest scores and their MRR for many accounts at once (list pages, the dashboard)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def on_day(self, day: date, account_ids: Sequence[int] | None = None) -> list[BriefRow]:
        """Scores, bands, features and touch models on ``day``, for ``account_ids`` or all."""
        stmt = (
            select(
                HealthScore.account_id,
                HealthScore.score,
                HealthScore.band,
                FeatureSnapshot.features,
                HealthScore.touch_model,
            )
            .join(
                FeatureSnapshot,
                (FeatureSnapshot.account_id == HealthScore.account_id)
                & (FeatureSnapshot.as_of == HealthScore.as_of),
            )
            .where(HealthScore.as_of == day)
        )
        if account_ids is not None:
            stmt = stmt.where(HealthScore.account_id.in_(list(account_ids)))
        return [BriefRow(*row) for row in self.session.execute(stmt)]

    def bands_on(self, day: date) -> dict[str, int]:
        stmt = (
            select(HealthScore.band, func.count())
            .where(HealthScore.as_of == day)
            .group_by(HealthScore.band)
        )
        return {band: int(n) for band, n in self.session.execute(stmt)}

    def latest_day_on_or_before(self, day: date) -> date | None:
        found: date | None = self.session.scalar(
            select(func.max(HealthScore.as_of)).where(HealthScore.as_of <= day)
        )
        return found

    def worsened(
        self, day: date, before: date, owner_id: int | None = None, limit: int | None = None
    ) -> list[WorsenedRow]:
        """The accounts whose band worsened from ``before`` to ``day`` (:func:`worsened`),
        of ``owner_id`` or everyone's, with what the home page shows of them; red first,
        then the lowest score; the first ``limit`` (all when None)."""
        earlier = aliased(HealthScore)
        now = HealthScore
        stmt = (
            select(
                now.account_id,
                Account.external_id,
                Account.name,
                Account.owner_id,
                now.score,
                now.band,
                earlier.band,
                now.measures,
                FeatureSnapshot.features["mrr"].as_float(),
                FeatureSnapshot.features["days_to_renewal"].as_float(),
            )
            .join(Account, Account.id == now.account_id)
            .outerjoin(earlier, (earlier.account_id == now.account_id) & (earlier.as_of == before))
            .outerjoin(
                FeatureSnapshot,
                (FeatureSnapshot.account_id == now.account_id) & (FeatureSnapshot.as_of == day),
            )
            .where(now.as_of == day, now.account_id.in_(worsened(day, before)))
            .order_by(_concern(now.band).desc(), now.score, now.account_id)
            .limit(limit)
        )
        if owner_id is not None:
            stmt = stmt.where(Account.owner_id == owner_id)
        return [WorsenedRow(*row) for row in self.session.execute(stmt)]

    def worsened_per_owner(self, day: date, before: date) -> dict[int | None, int]:
        """How many accounts' bands worsened from ``before`` to ``day``, per owner."""
        stmt = (
            select(Account.owner_id, func.count())
            .where(Account.id.in_(worsened(day, before)))
            .group_by(Account.owner_id)
        )
        return {owner: int(n) for owner, n in self.session.execute(stmt)}


class HealthScoreRepository(Repository[HealthScore]):
    model = HealthScore
    sortable = ("id", "score", "account_id")
    default_sort = "score"

    def accounts(self, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """Account id → (external id, name)."""
        stmt = select(Account.id, Account.external_id, Account.name).where(
            Account.id.in_(list(set(ids)))
        )
        return {row_id: (ext, name) for row_id, ext, name in self.session.execute(stmt)}
