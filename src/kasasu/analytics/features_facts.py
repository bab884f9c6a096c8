"""Per-account features from the operational facts copied to the engine (see ``features``):
contracts, tickets, survey answers, onboarding milestones, and, where the warehouse has
them, activities, in-app guides and invoices. Each function returns (account_id, ...) for
the accounts with any such fact; ``features`` attaches them and fills the gaps."""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from kasasu.analytics import revenue
from kasasu.analytics.features_usage import Instants, attach
from kasasu.analytics.kpis_support import median, whole_seconds
from kasasu.analytics.sources import Sources

ENGAGEMENT_KINDS = ("webinar", "community_post")


def contracts(src: Sources, as_of: date) -> ir.Table:
    """(account_id, seats, renewal_days) from the paying lines active on the day."""
    s = src.subscriptions
    lines = revenue.contract_lines(src).select("sub_id", "start_date", "until")
    active = lines.filter(revenue.serving(lines, ibis.literal(as_of, type="date")))
    j = s.join(active, s.id == active.sub_id)
    day = ibis.literal(as_of, type="date")
    upcoming = j.end_date.notnull() & (j.end_date >= day)
    return j.group_by("account_id").aggregate(
        seats=j.seats.sum(),
        renewal_days=ibis.ifelse(
            upcoming, j.end_date.delta(day, unit="day"), ibis.null("int64")
        ).min(),
    )


def tickets(src: Sources, at: Instants) -> ir.Table:
    t = src.tickets
    t = t.filter(t.opened_at < at.now)
    open_ = t.resolved_at.isnull() | (t.resolved_at >= at.now)
    counts = t.group_by("account_id").aggregate(
        open_tickets=open_.sum(),
        escalated_tickets=(open_ & t.escalated).sum(),
    )
    recent = t.filter(
        (t.opened_at >= at.days_before(90))
        & t.first_response_at.notnull()
        & (t.first_response_at < at.now)
    )
    hours = recent.select(
        "account_id",
        hours=(whole_seconds(recent.first_response_at) - whole_seconds(recent.opened_at)) / 3600,
    )
    med = median(hours, ["account_id"], "hours").select("account_id", response_hours="median")
    return attach(counts, med)


def latest(src: Sources, at: Instants, kind: str) -> ir.Table:
    r = src.survey_responses
    r = r.filter((r.kind == kind) & (r.answered_at < at.now))
    order = [ibis.desc(r.answered_at), ibis.desc(r.id)]
    ranked = r.select(
        "account_id", "score", rank=ibis.row_number().over(group_by="account_id", order_by=order)
    )
    top = ranked.filter(ranked["rank"] == 0)
    return top.select("account_id", **{f"latest_{kind}": top.score})


def onboarding(src: Sources, at: Instants) -> ir.Table:
    m = src.milestones
    done = m.done_at.notnull() & (m.done_at < at.now)
    day = ibis.literal(at.as_of, type="date")
    overdue = ~done & m.due_date.notnull() & (m.due_date < day)
    late = ibis.ifelse(overdue, day.delta(m.due_date, unit="day"), 0)
    return m.group_by("account_id").aggregate(
        milestones=m.count(),
        milestones_done=done.sum(),
        milestones_overdue=overdue.sum(),
        first_value_late=late.max(where=m.is_first_value),
    )


def engagement(activities: ir.Table, at: Instants) -> ir.Table:
    a = activities
    a = a.filter(
        a.kind.isin(ENGAGEMENT_KINDS)
        & (a.occurred_at >= at.days_before(90))
        & (a.occurred_at < at.now)
    )
    return a.group_by("account_id").aggregate(
        engagement_90d=a.count(), events_attended_90d=(a.kind == "webinar").sum()
    )


def payments(invoices: ir.Table, at: Instants) -> ir.Table:
    i = invoices
    failing = (i.failed_at < at.now) & (i.paid_at.isnull() | (i.paid_at >= at.now))
    i = i.filter(failing & (i.status != "void"))
    return i.group_by("account_id").aggregate(payment_issues=i.count())


def guides(viewers: ir.Table, at: Instants) -> ir.Table:
    v = viewers
    start, now = at.days_before(90), at.now

    def within(column: ir.TimestampColumn) -> ir.BooleanColumn:
        return column.notnull() & (column >= start) & (column < now)

    return v.group_by("account_id").aggregate(
        guides_completed=within(v.completed_at).sum(),
        guides_dismissed=within(v.dismissed_at).sum(),
    )


def guide_measures(src: Sources, as_of: date, zone: str) -> ir.Table | None:
    """(account_id, key, completed) per guide shown to a user of the account before
    ``as_of``: completed 1 when one of them completed it before then, else 0 — the values of
    the ``guide.KEY`` measures (kasasu.domain.guides). None without guides."""
    if src.guides is None or src.guide_viewers is None:
        return None
    now = Instants(as_of, zone).now
    v = src.guide_viewers
    v = v.filter(v.first_shown_at.notnull() & (v.first_shown_at < now))
    j = v.join(src.guides, v.guide_id == src.guides.id)
    done = j.completed_at.notnull() & (j.completed_at < now)
    return j.group_by(["account_id", "key"]).aggregate(completed=ibis.ifelse(done, 1, 0).max())
