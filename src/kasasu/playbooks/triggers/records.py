"""Triggers on what was recorded for the account: an onboarding milestone overdue, a
ticket escalated or many opened, a payment failed, an NPS answer."""

from __future__ import annotations

from kasasu.domain.money import Amounts
from kasasu.kit.i18n import _
from kasasu.playbooks import trigger_schemas as s
from kasasu.playbooks.triggers.base import Facts, Firing, TriggerKind


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


_NPS = {"detractor": _("detractor"), "passive": _("passive"), "promoter": _("promoter")}

KINDS = (
    TriggerKind(
        "milestone_overdue",
        _milestone_overdue,
        lambda t, _l: _(
            "Onboarding milestone overdue by more than {days} days",
            days=t.get("grace_days", 0),
        ),
    ),
    TriggerKind("ticket_escalated", _ticket_escalated, lambda _t, _l: _("A ticket is escalated")),
    TriggerKind("payment_failed", _payment_failed, lambda _t, _l: _("A payment failed (unpaid)")),
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
)
