"""An account's health in words a CSM reads first: why the score is what it is, what moved.

For each measure the explanation shows its value, its points and its contribution; then the
measures that cost the most (the points short of 100, weighed: what fixing them would add),
and what changed since about a week ago (contribution deltas, which add up to the change).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kasasu.analytics.features import MEASURABLE
from kasasu.domain.account_fields import ACCOUNT_FIELDS
from kasasu.domain.guides import GUIDE_PREFIX
from kasasu.domain.money import format_money
from kasasu.domain.scoring import Change, band_label, changes
from kasasu.errors import NotFound
from kasasu.health.repository import HealthScoreRepository, ScorecardRepository, SnapshotRepository
from kasasu.health.schemas import CUSTOM_PREFIX, ChangeRead, HealthRead, MeasureRead, TrendPoint
from kasasu.kit.i18n import Message, _
from kasasu.models import HealthScore

TREND_DAYS = 90
COMPARE_DAYS = 7
WORST = 3


def account_health(
    session: Session,
    account_id: int,
    *,
    as_of: date | None = None,
    locale: str = "ja",
    currency: str = "JPY",
) -> HealthRead:
    snapshots = SnapshotRepository(session)
    day = as_of or snapshots.latest_score_date(account_id)
    history = snapshots.scores_for(account_id, day - timedelta(days=TREND_DAYS), day) if day else []
    if not history or history[-1].as_of != day:
        raise NotFound(_("No health score for account {id}: run 'kasasu refresh'", id=account_id))
    now = history[-1]
    before = next(
        (s for s in reversed(history) if s.as_of <= day - timedelta(days=COMPARE_DAYS)), None
    )
    card = _Card.of(session, now.scorecard_version_id)
    fmt = _Formatter(locale, currency, snapshots.features_of(account_id, day))
    accounts = HealthScoreRepository(session).accounts([account_id])
    external_id, name = accounts[account_id]
    moved = _changes(now, before) if before else []
    points = [{m["metric"]: m.get("points") for m in s.measures} for s in history]
    return HealthRead(
        account_id=account_id,
        external_id=external_id,
        name=name,
        as_of=day,
        score=now.score,
        band=now.band,
        band_title=fmt.t(band_label(now.band)),
        coverage=now.coverage,
        min_coverage=card.min_coverage,
        scorecard=card.name,
        scorecard_version=card.version,
        touch_model=now.touch_model.value if now.touch_model else None,
        segment=now.segment,
        measures=[
            MeasureRead(
                title=title(m["metric"], locale),
                shown=fmt.value(m["metric"], m["value"]),
                trend=[day.get(m["metric"]) for day in points],
                **m,
            )
            for m in now.measures
        ],
        trend=[TrendPoint(as_of=s.as_of, score=s.score, band=s.band) for s in history],
        compared_with=before.as_of if before else None,
        score_change=(
            now.score - before.score
            if before and now.score is not None and before.score is not None
            else None
        ),
        changes=[
            ChangeRead(
                metric=c.metric,
                title=title(c.metric, locale),
                before=c.before,
                after=c.after,
                delta=c.delta,
            )
            for c in moved
        ],
        summary=_summary(now, before, moved, fmt, card),
    )


@dataclass(frozen=True)
class _Card:
    name: str
    version: int
    min_coverage: float

    @classmethod
    def of(cls, session: Session, version_id: int) -> _Card:
        repo = ScorecardRepository(session)
        name, version = repo.versions_by_id([version_id])[version_id]
        found = repo.get_version(version_id)
        definition = found.definition if found else {}
        return cls(name, version, float(definition.get("min_known_weight", 0.5)))


def title(metric: str, locale: str) -> str:
    if metric.startswith(CUSTOM_PREFIX):
        return metric.removeprefix(CUSTOM_PREFIX)
    if metric.startswith(GUIDE_PREFIX):
        return _("Guide {key} completed", key=metric.removeprefix(GUIDE_PREFIX)).render(locale)
    found = next((f for f in MEASURABLE if f.name == metric), None)
    return found.title.render(locale) if found else metric


def feature_text(metric: str, value: Any, locale: str, currency: str) -> str:
    """A feature or an account field with its value, as a person reads it: "Days since last
    use: 45 days", "Plan: Basic"."""
    field = next((f for f in ACCOUNT_FIELDS if f.name == metric), None)
    if field is not None:
        what, shown = field.label.render(locale), "—" if value is None else str(value)
    else:
        number = None if value is None else float(value)
        what, shown = title(metric, locale), _Formatter(locale, currency).value(metric, number)
    return _("{what}: {value}", what=what, value=shown).render(locale)


def _changes(now: HealthScore, before: HealthScore) -> list[Change]:
    """Measures whose contribution moved by at least 0.05 points, largest move first."""
    after = {m["metric"]: m["contribution"] for m in now.measures}
    then = {m["metric"]: m["contribution"] for m in before.measures}
    return [c for c in changes(after, then) if abs(c.delta) >= 0.05]


class _Formatter:
    def __init__(self, locale: str, currency: str, features: dict[str, Any] | None = None) -> None:
        self.locale, self.currency = locale, currency
        self.units = {f.name: f.unit for f in MEASURABLE}
        self.never_used = bool((features or {}).get("never_used"))

    def t(self, message: Message) -> str:
        return message.render(self.locale)

    def value(self, metric: str, value: float | None) -> str:
        if value is None:
            return self.t(_("no data"))
        if metric == "days_since_last_event" and self.never_used:
            # The feature counts the days without use; there was no last use to count from.
            return self.t(_("never used ({n} days since the contract started)", n=f"{value:,.0f}"))
        return self._plain(metric, value)

    def _plain(self, metric: str, value: float) -> str:
        unit = "flag" if metric.startswith(GUIDE_PREFIX) else self.units.get(metric)
        if unit == "flag":
            return self.t(_("yes") if value else _("no"))
        if unit == "rate":
            return (
                f"{value * 100:+.0f}%"
                if metric.endswith(("trend_30d", "change_90d"))
                else f"{value * 100:.0f}%"
            )
        if unit == "money":
            return format_money(value, self.currency, self.locale)
        if unit == "days":
            return self.t(_("1 day") if value == 1 else _("{n} days", n=f"{value:,.0f}"))
        if unit == "hours":
            return self.t(_("{n} hours", n=f"{value:,.1f}"))
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def coverage_of(score: HealthScore) -> float:
    """The stored coverage, else (a score stored without one) from its measures."""
    if score.coverage is not None:
        return score.coverage
    known = sum(float(m["weight"]) for m in score.measures if m["points"] is not None)
    return known / (sum(float(m["weight"]) for m in score.measures) or 1.0)


def _summary(
    now: HealthScore, before: HealthScore | None, moved: list[Change], fmt: _Formatter, card: _Card
) -> list[str]:
    named = {"day": now.as_of.isoformat(), "card": card.name, "version": card.version}
    share = f"{100 * coverage_of(now):.0f}"
    if now.score is None:
        needed = f"{100 * card.min_coverage:.0f}"
        lines = [
            fmt.t(
                _(
                    "Not enough data on {day}: {share}% of the weight of scorecard {card} "
                    "v{version} has data and {needed}% is needed, so the account has no band "
                    "(it is not counted as red).",
                    share=share,
                    needed=needed,
                    **named,
                )
            )
        ]
    else:
        lines = [
            fmt.t(
                _(
                    "Health {score} ({band}) on {day}, by scorecard {card} v{version}; "
                    "{share}% of its weight has data.",
                    score=f"{now.score:.1f}",
                    band=fmt.t(band_label(now.band)),
                    share=share,
                    **named,
                )
            )
        ]
        lines.extend(_weakest(now, fmt))
    if before is not None and now.score is not None and before.score is not None:
        lines.append(_moved_line(now, before, moved, fmt))
    return lines


def weakest_measures(measures: list[dict[str, Any]]) -> list[tuple[float, dict[str, Any]]]:
    """(cost, measure) of the measures whose missing points cost the score at least one
    point, the costliest first: what fixing each would add to the score."""
    known = [m for m in measures if m["points"] is not None]
    weight = sum(m["weight"] for m in known) or 1
    costs = [((100 - m["points"]) * m["weight"] / weight, m) for m in known]
    costs.sort(key=lambda pair: -pair[0])
    return [(cost, m) for cost, m in costs if cost >= 1]


def _weakest(now: HealthScore, fmt: _Formatter) -> list[str]:
    """The measures whose missing points cost the score most (what fixing them would add)."""
    worst = weakest_measures(now.measures)[:WORST]
    if not worst:
        return [fmt.t(_("Every measure is at full points."))]
    lines = [fmt.t(_("Pulling it down most:"))]
    for cost, m in worst:
        lines.append(
            fmt.t(
                _(
                    "- {title}: {value} → {points}/100 points (costs {cost} points)",
                    title=title(m["metric"], fmt.locale),
                    value=fmt.value(m["metric"], m["value"]),
                    points=f"{m['points']:.0f}",
                    cost=f"{cost:.1f}",
                )
            )
        )
    return lines


def _moved_line(now: HealthScore, before: HealthScore, moved: list[Change], fmt: _Formatter) -> str:
    delta = (now.score or 0) - (before.score or 0)
    if not moved:
        return fmt.t(_("Since {day}: no measure moved.", day=before.as_of.isoformat()))
    top = ", ".join(f"{title(c.metric, fmt.locale)} {c.delta:+.1f}" for c in moved[:WORST])
    return fmt.t(
        _(
            "Since {day}: {delta} points, mostly {measures}.",
            day=before.as_of.isoformat(),
            delta=f"{delta:+.1f}",
            measures=top,
        )
    )


def list_by_band(
    session: Session,
    *,
    band: str | None,
    as_of: date | None,
    cursor: str | None,
    limit: int,
) -> tuple[date | None, list[tuple[HealthScore, str, str]], str | None]:
    """Accounts' scores on ``as_of`` (default: the latest day scored), lowest first."""
    day = as_of or SnapshotRepository(session).latest_score_date()
    if day is None:
        return None, [], None
    repo = HealthScoreRepository(session)
    page = repo.list_page({"as_of": day, "band": band}, sort="score", cursor=cursor, limit=limit)
    names = repo.accounts([s.account_id for s in page.items])
    return day, [(s, *names[s.account_id]) for s in page.items], page.next_cursor
