"""Which accounts a trigger fires for on a day, for which occurrence (the window), and
how a person reads the trigger (``TRIGGERS``: one entry per kind, read by the pages and
the CLI).

The window names the occurrence a run answers, so that it fires once for it: the renewal
date for "renewal in 90 days", the ticket for "ticket escalated", the answer for "NPS
detractor", the day the silence began for "no login for 14 days", the month for a monthly
schedule, and the day itself for conditions that are re-checked daily (a cool-down spaces
those out).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Protocol

from babel.dates import get_day_names

from kasasu.analytics.features import RISK
from kasasu.domain.money import Amounts
from kasasu.domain.scoring import Band, band_label
from kasasu.kit.i18n import Message, _
from kasasu.kit.types import local_text
from kasasu.playbooks import schemas as s

Health = Mapping[int, Mapping[str, Any]]


@dataclass(frozen=True)
class Firing:
    account_id: int
    window: str
    summary: Message  # what happened, for the log and the templates' {{ trigger.summary }}
    # The contacts it is about (an email or survey "to: trigger"); the event it names.
    contacts: tuple[int, ...] = ()
    event: Mapping[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True)
class LocalTitle(Message):
    """A title written in {ja, en}, shown in the reader's language in a summary."""

    texts: Mapping[str, Any] = field(default_factory=dict)

    def render(self, locale: str) -> str:
        return local_text(self.texts, locale)


class Facts(Protocol):
    """What triggers read for the day (loaded once, on demand)."""

    day: date

    def features(self) -> Mapping[int, Mapping[str, Any]]: ...
    def health(self) -> Health: ...
    def previous_health(self) -> Health: ...
    def health_days_back(self, days: int) -> Health: ...
    def overdue_milestones(self, grace_days: int) -> list[tuple[int, int, str]]: ...
    def escalated_tickets(self) -> list[tuple[int, int, str]]: ...
    def failed_payments(self) -> list[tuple[int, str, int, str]]: ...
    def event_outcomes(
        self, outcome: str, days: int
    ) -> list[tuple[int, int, int, Any, str | None]]: ...
    def unanswered_questions(self, hours: int, days: int) -> list[tuple[int, int, int, str]]: ...
    def first_posts(self, days: int) -> list[tuple[int, int, int, str]]: ...
    def tickets_opened(self, days: int) -> Mapping[int, int]: ...
    def nps_answers(self, days: int) -> list[tuple[int, int, int, str | None]]: ...
    def segment_moves(
        self, segment: str, days: int, *, entered: bool
    ) -> list[tuple[int, date]]: ...


def fire(trigger: Any, facts: Facts) -> list[Firing]:
    """The firings of ``trigger``, for customers only: accounts paying on the day (those
    with features), not the ones that left long ago with a milestone still open."""
    paying = facts.features()
    found = TRIGGERS[trigger.type].fire(trigger, facts)
    return [f for f in found if f.account_id in paying]


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


def _milestone_overdue(t: s.MilestoneOverdue, f: Facts) -> list[Firing]:
    return [
        Firing(a, f"milestone:{m}", _("Milestone overdue: {name}", name=name))
        for a, m, name in f.overdue_milestones(t.grace_days)
    ]


def _ticket_escalated(_t: s.TicketEscalated, f: Facts) -> list[Firing]:
    return [
        Firing(a, f"ticket:{ticket}", _("Ticket escalated: {subject}", subject=subject))
        for a, ticket, subject in f.escalated_tickets()
    ]


def _payment_failed(_t: s.PaymentFailed, f: Facts) -> list[Firing]:
    return [
        Firing(
            a,
            f"invoice:{invoice}",
            _("Payment failed: {amount} due on invoice {invoice}",
              amount=Amounts("", amounts=((currency, due),)), invoice=invoice),
        )
        for a, invoice, due, currency in f.failed_payments()
    ]  # fmt: skip


def _event_outcome(t: s.EventAttended | s.EventNoShow, f: Facts) -> list[Firing]:
    outcome = "attended" if t.type == "event_attended" else "no_show"
    grouped: dict[tuple[int, int], list[Any]] = {}
    for account, event, contact, title, recording in f.event_outcomes(outcome, t.within_days):
        grouped.setdefault((account, event), [title, recording, []])[2].append(contact)
    words = _("Attended {title}") if outcome == "attended" else _("Did not come to {title}")
    return [
        Firing(
            account,
            f"event:{event}:{outcome}",
            Message(words.msgid, {"title": LocalTitle("", texts=title or {})}),
            contacts=tuple(contacts),
            event={"id": event, "title": title or {}, "recording_url": recording or ""},
        )
        for (account, event), (title, recording, contacts) in grouped.items()
    ]


def _question_unanswered(t: s.CommunityQuestionUnanswered, f: Facts) -> list[Firing]:
    return [
        Firing(
            a,
            f"question:{post}",
            _("Community question unanswered: {title}", title=title),
            contacts=(asker,),
        )
        for a, post, asker, title in f.unanswered_questions(t.hours, t.within_days)
    ]


def _first_post(t: s.FirstPost, f: Facts) -> list[Firing]:
    return [
        Firing(
            a,
            f"first-post:{contact}",
            _("First community post: {title}", title=title),
            contacts=(contact,),
        )
        for a, contact, _post, title in f.first_posts(t.within_days)
    ]


def _many_tickets(t: s.ManyTickets, f: Facts) -> list[Firing]:
    year, week, _d = f.day.isocalendar()
    return [
        Firing(a, f"{year}-W{week:02d}", _("{n} tickets in {days} days", n=n, days=t.days))
        for a, n in f.tickets_opened(t.days).items()
        if n >= t.count
    ]


NPS_CATEGORIES = {"detractor": range(7), "passive": range(7, 9), "promoter": range(9, 11)}


def _nps_answer(t: s.NpsAnswer, f: Facts) -> list[Firing]:
    scores = NPS_CATEGORIES[t.category]
    return [
        Firing(
            a,
            f"response:{r}",
            _("NPS answer {score}: {comment}", score=score, comment=comment or "—"),
        )
        for a, r, score, comment in f.nps_answers(t.within_days)
        if score in scores
    ]


def _segment_changed(t: s.SegmentChanged, f: Facts) -> list[Firing]:
    entered = t.type == "segment_entered"
    name = t.segment
    summary = (
        _("Entered segment {name}", name=name) if entered else _("Left segment {name}", name=name)
    )
    return [
        Firing(a, f"{t.type}:{t.segment}:{day}", summary)
        for a, day in f.segment_moves(t.segment, t.within_days, entered=entered)
    ]


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


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _percent(value: float) -> str:
    return f"{value * 100:+.0f}%".replace("-", "−")


def _every(t: Mapping[str, Any], locale: str) -> Message:
    every, on = t.get("every"), int(t.get("day", 1))
    if every == "week":
        weekday = get_day_names("wide", locale=locale)[(on - 1) % 7]
        return _("Every week on {weekday}", weekday=weekday)
    if every == "month":
        return _("Every month on day {day}", day=on)
    return _("Every day")


_NPS = {"detractor": _("detractor"), "passive": _("passive"), "promoter": _("promoter")}


@dataclass(frozen=True)
class TriggerKind:
    """One kind of trigger: who it fires for, and how a person reads it with its
    parameters ("Renewal in 90 days"), from the definition as stored (a mapping: one stored
    under an older schema is still shown)."""

    type: str
    fire: Callable[[Any, Facts], list[Firing]]
    words: Callable[[Mapping[str, Any], str], Message]  # (trigger, locale)


TRIGGERS: dict[str, TriggerKind] = {
    k.type: k
    for k in (
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
            lambda t, _l: _(
                "Churn risk above {percent}", percent=f"{float(t.get('above', 0.5)):.0%}"
            ),
        ),
        TriggerKind(
            "no_login", _no_login, lambda t, _l: _("No use for {days} days", days=t["days"])
        ),
        TriggerKind(
            "renewal_due",
            _renewal_due,
            lambda t, _l: _("Renewal in {days} days", days=t["days"]),
        ),
        TriggerKind(
            "milestone_overdue",
            _milestone_overdue,
            lambda t, _l: _(
                "Onboarding milestone overdue by more than {days} days",
                days=t.get("grace_days", 0),
            ),
        ),
        TriggerKind(
            "ticket_escalated", _ticket_escalated, lambda _t, _l: _("A ticket is escalated")
        ),
        TriggerKind(
            "payment_failed", _payment_failed, lambda _t, _l: _("A payment failed (unpaid)")
        ),
        TriggerKind(
            "event_attended",
            _event_outcome,
            lambda t, _l: _(
                "A contact attended an event (within {days} days)",
                days=t.get("within_days", 14),
            ),
        ),
        TriggerKind(
            "event_no_show",
            _event_outcome,
            lambda t, _l: _(
                "A contact registered for an event did not come (within {days} days)",
                days=t.get("within_days", 14),
            ),
        ),
        TriggerKind(
            "community_question_unanswered",
            _question_unanswered,
            lambda t, _l: _(
                "A community question has no answer after {hours} hours",
                hours=t.get("hours", 48),
            ),
        ),
        TriggerKind(
            "first_post",
            _first_post,
            lambda t, _l: _(
                "A contact's first community post (within {days} days)",
                days=t.get("within_days", 7),
            ),
        ),
        TriggerKind(
            "many_tickets",
            _many_tickets,
            lambda t, _l: _(
                "{count} or more tickets within {days} days",
                count=t.get("count", 5),
                days=t.get("days", 7),
            ),
        ),
        TriggerKind(
            "nps_answer",
            _nps_answer,
            lambda t, _l: _(
                "NPS answer from a {category} (within {days} days)",
                category=_NPS.get(t["category"], t["category"]),
                days=t.get("within_days", 7),
            ),
        ),
        TriggerKind(
            "new_account",
            _new_account,
            lambda t, _l: _("New account (first {days} days)", days=t.get("within_days", 7)),
        ),
        TriggerKind(
            "segment_entered",
            _segment_changed,
            lambda t, _l: _("Enters segment {name}", name=t["segment"]),
        ),
        TriggerKind(
            "segment_left",
            _segment_changed,
            lambda t, _l: _("Leaves segment {name}", name=t["segment"]),
        ),
        TriggerKind("schedule", _schedule, _every),
    )
}


def trigger_words(trigger: Mapping[str, Any], locale: str) -> str:
    """The trigger and its parameters in words, e.g. "Renewal in 90 days" (an unknown
    type as it is written)."""
    kind = str(trigger.get("type", ""))
    found = TRIGGERS.get(kind)
    return found.words(trigger, locale).render(locale) if found else kind
