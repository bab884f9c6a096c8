"""The scheduled trigger: every paying account, daily, weekly or monthly."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from babel.dates import get_day_names

from kasasu.kit.i18n import Message, _
from kasasu.playbooks import trigger_schemas as s
from kasasu.playbooks.triggers.base import Facts, Firing, TriggerKind


def _schedule(t: s.Schedule, f: Facts) -> list[Firing]:
    day = f.day
    if t.every == "month" and day.day != t.day:
        return []
    if t.every == "week" and day.isoweekday() != min(t.day, 7):
        return []
    year, week, _d = day.isocalendar()
    window = {"day": day.isoformat(), "week": f"{year}-W{week:02d}", "month": f"{day:%Y-%m}"}
    summary = _("Scheduled ({every})", every=t.every)
    return [Firing(a, window[t.every], summary) for a in f.features()]


def _every(t: Mapping[str, Any], locale: str) -> Message:
    every, on = t.get("every"), int(t.get("day", 1))
    if every == "week":
        weekday = get_day_names("wide", locale=locale)[(on - 1) % 7]
        return _("Every week on {weekday}", weekday=weekday)
    if every == "month":
        return _("Every month on day {day}", day=on)
    return _("Every day")


KINDS = (TriggerKind("schedule", _schedule, _every),)
