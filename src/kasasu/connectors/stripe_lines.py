"""A Stripe subscription's events as Kasasu's contract lines (DESIGN.md §4: a change never
rewrites the MRR before its day).

Every stored snapshot of the subscription is read in Stripe's order (the event's time,
then its id), whatever order they arrived in, so the same events always give the same
lines. Each subscription item is a line; a change of its price, quantity or plan, or the
end of its trial, closes the line the day before and opens a version from that day
(``<item id>@<day>``), as a renewal's expansion does. The last version carries what the
subscription is now: running, cancelled at the end of its period (its last day known,
so churn is scheduled), or cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kasasu.connectors.stripe_objects import StripeSubscription, Terms
from kasasu.domain.choices import SubscriptionStatus

# A change of an item's terms, and whether it is a trial.
State = tuple[Terms, bool] | None


@dataclass(frozen=True)
class Snapshot:
    at: datetime  # the event's time at Stripe
    event_id: str
    subscription: StripeSubscription


@dataclass(frozen=True)
class Problem:
    event_id: str
    item_id: str
    reason: str


def local_day(moment: datetime, zone: str) -> date:
    return moment.astimezone(ZoneInfo(zone)).date()


def last_day(moment: datetime, zone: str) -> date:
    """The last day of service before ``moment`` (a period ending at midnight ends the day
    before)."""
    return local_day(moment - timedelta(microseconds=1), zone)


def _effective(snap: Snapshot, before: Snapshot | None, zone: str) -> date:
    sub = snap.subscription
    if before is None:
        return local_day(sub.start, zone)
    if before.subscription.trialing and not sub.trialing:
        ended = sub.trial_end or before.subscription.trial_end
        if ended is not None:
            return local_day(ended, zone)
    return local_day(snap.at, zone)


def timelines(
    snapshots: list[Snapshot], zone: str
) -> tuple[dict[str, list[tuple[date, State]]], list[Problem]]:
    """Per item, the days its state changed (None: removed from the subscription)."""
    ordered = sorted(snapshots, key=lambda s: (s.at, s.event_id))
    lines: dict[str, list[tuple[date, State]]] = {}
    problems: list[Problem] = []
    before: Snapshot | None = None
    for snap in ordered:
        sub = snap.subscription
        day = _effective(snap, before, zone)
        present = {i.id: i for i in sub.items}
        problems.extend(
            Problem(snap.event_id, i.id, i.problem or "") for i in sub.items if i.terms is None
        )
        for item_id in {*lines, *present}:
            item = present.get(item_id)
            state: State = (item.terms, sub.trialing) if item and item.terms else None
            _change(lines.setdefault(item_id, []), day, state)
        before = snap
    return lines, problems


def _change(history: list[tuple[date, State]], day: date, state: State) -> None:
    if history and day <= history[-1][0]:
        day = history.pop()[0]  # a later change the same day replaces the earlier one
    if (history[-1][1] if history else None) != state:
        history.append((day, state))


def planned_lines(
    snapshots: list[Snapshot], zone: str
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The lines (SubscriptionCreate's fields but the account) the snapshots lead to."""
    if not snapshots:
        return [], []
    history, problems = timelines(snapshots, zone)
    now = max(snapshots, key=lambda s: (s.at, s.event_id)).subscription
    planned = []
    for item_id, changes in sorted(history.items()):
        for k, (start, state) in enumerate(changes):
            if state is None:
                continue
            following = changes[k + 1][0] if k + 1 < len(changes) else None
            row = _line(item_id if k == 0 else f"{item_id}@{start.isoformat()}", start, state)
            if following is not None:
                row.update(end_date=following - timedelta(days=1), auto_renew=False)
                if not state[1]:
                    row["status"] = SubscriptionStatus.ENDED
            else:
                row.update(_now(now, state[1], zone))
            planned.append(row)
    return planned, problems


def _line(external_id: str, start: date, state: tuple[Terms, bool]) -> dict[str, Any]:
    terms, trial = state
    return {
        "external_id": external_id,
        "product": terms.product,
        "plan": terms.plan,
        "seats": terms.seats,
        "amount": terms.amount,
        "currency": terms.currency,
        "billing_interval": terms.interval,
        "start_date": start,
        "status": SubscriptionStatus.TRIAL if trial else SubscriptionStatus.ACTIVE,
        "auto_renew": True,
        "end_date": None,
        "cancelled_on": None,
        "cancel_reason": None,
        "cancel_comment": None,
    }


def _now(sub: StripeSubscription, trial: bool, zone: str) -> dict[str, Any]:
    """The latest version: how the subscription stands."""
    ends = sub.ends_at
    if trial:
        end = sub.trial_end or ends
        return {"end_date": last_day(end, zone) if end else None, "auto_renew": ends is None}
    if ends is not None:
        day = last_day(ends, zone)
        return {
            "status": SubscriptionStatus.CANCELLED,
            "cancelled_on": day,
            "end_date": day,
            "auto_renew": False,
            "cancel_reason": sub.reason,
            "cancel_comment": sub.comment,
        }
    return {"end_date": last_day(sub.period_end, zone) if sub.period_end else None}
