"""Triggers on what the refresh measured for the day: the health band and score, and the
day's features (usage, churn risk, days since last use, days to renewal, tenure)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from kasasu.analytics.features import RISK
from kasasu.domain.scoring import Band, band_label
from kasasu.kit.i18n import Message, _
from kasasu.playbooks import trigger_schemas as s
from kasasu.playbooks.triggers.base import Facts, Firing, TriggerKind


def _band_changed(t: s.BandChanged, f: Facts) -> list[Firing]:
    before = f.previous_health()
    return [
        Firing(a, f.day.isoformat(), _("Health band {old} → {new}", old=old, new=h["band"]))
        for a, h in f.health().items()
        if h["band"] == t.to.value
        and (old := before.get(a, {}).get("band")) not in (None, t.to.value, Band.UNKNOWN.value)
    ]


def _score_dropped(t: s.ScoreDropped, f: Facts) -> list[Firing]:
    then = f.health_days_back(t.days)
    fired = []
    for a, h in f.health().items():
        old, new = then.get(a, {}).get("score"), h.get("score")
        if old is not None and new is not None and old - new >= t.points:
            summary = _(
                "Score {old} → {new} in {days} days", old=round(old), new=round(new), days=t.days
            )
            fired.append(Firing(a, f.day.isoformat(), summary))
    return fired


def _feature(
    name: str,
    test: Callable[[float], bool],
    summary: Callable[[float], Message],
    window: Callable[[float], str] | None = None,
) -> Callable[[Facts], list[Firing]]:
    def fired(f: Facts) -> list[Firing]:
        return [
            Firing(a, window(v) if window else f.day.isoformat(), summary(v))
            for a, values in f.features().items()
            if (v := values.get(name)) is not None and test(v)
        ]

    return fired


def _usage_dropped(t: s.UsageDropped, f: Facts) -> list[Firing]:
    return _feature(
        "usage_trend_30d",
        lambda v: v < t.below,
        lambda v: _("Usage {change:+.0%} over 30 days", change=v),
    )(f)


def _risk_above(t: s.RiskAbove, f: Facts) -> list[Firing]:
    return _feature(RISK, lambda v: v > t.above, lambda v: _("Churn risk {risk}", risk=f"{v:.0%}"))(
        f
    )


def _no_login(t: s.NoLogin, f: Facts) -> list[Firing]:
    # One firing per silence: the window is the day of the last use.
    return _feature(
        "days_since_last_event",
        lambda v: v >= t.days,
        lambda v: _("No use for {days} days", days=int(v)),
        lambda v: f"silent-since:{f.day - timedelta(days=int(v))}",
    )(f)


def _renewal_due(t: s.RenewalDue, f: Facts) -> list[Firing]:
    return _feature(
        "days_to_renewal",
        lambda v: t.days - t.catch_up_days < v <= t.days,
        lambda v: _(
            "Renewal on {day} (in {days} days)", day=f.day + timedelta(days=int(v)), days=int(v)
        ),
        lambda v: f"renewal:{f.day + timedelta(days=int(v))}",
    )(f)


def _new_account(t: s.NewAccount, f: Facts) -> list[Firing]:
    return _feature(
        "tenure_days",
        lambda v: v <= t.within_days,
        lambda v: _("New account ({days} days)", days=int(v)),
        lambda _v: "new",
    )(f)


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _percent(value: float) -> str:
    return f"{value * 100:+.0f}%".replace("-", "−")


KINDS = (
    TriggerKind(
        "band_changed",
        _band_changed,
        lambda t, _l: _("Health turns {band}", band=band_label(t["to"])),
    ),
    TriggerKind(
        "score_dropped",
        _score_dropped,
        lambda t, _l: _(
            "Score drops {points} points within {days} days",
            points=_number(t["points"]),
            days=t.get("days", 7),
        ),
    ),
    TriggerKind(
        "usage_dropped",
        _usage_dropped,
        lambda t, _l: _(
            "30-day usage trend below {percent}", percent=_percent(float(t.get("below", -0.3)))
        ),
    ),
    TriggerKind(
        "risk_above",
        _risk_above,
        lambda t, _l: _("Churn risk above {percent}", percent=f"{float(t.get('above', 0.5)):.0%}"),
    ),
    TriggerKind("no_login", _no_login, lambda t, _l: _("No use for {days} days", days=t["days"])),
    TriggerKind(
        "renewal_due",
        _renewal_due,
        lambda t, _l: _("Renewal in {days} days", days=t["days"]),
    ),
    TriggerKind(
        "new_account",
        _new_account,
        lambda t, _l: _("New account (first {days} days)", days=t.get("within_days", 7)),
    ),
)
