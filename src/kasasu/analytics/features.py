"""Per-account features as of a day: what a health scorecard measures (DESIGN.md §5).

One row per account paying on the day (MRR > 0 at 00:00 of ``as_of`` in the reporting
zone), from everything known before that instant. Windows are whole local days before
``as_of``: "30 days" is [00:00 of as_of − 30 days, 00:00 of as_of). The instants are computed
in Python (``local_midnight``), so no engine's time-zone functions are involved and the same
expression gives the same numbers on DuckDB, PostgreSQL and Spark.

Usage features are null for every account when there is no event store at all (nothing was
measured); with one, an account without events has 0 events, ``never_used`` 1, and its days
since last use count the days without any use: from its first paid day (an explanation says
"never used, N days since the contract started", never a made-up last use).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

import ibis
import ibis.expr.types as ir

from kasasu.analytics import features_facts as facts
from kasasu.analytics import revenue
from kasasu.analytics.features_community import community_points
from kasasu.analytics.features_usage import Instants, attach, usage_features
from kasasu.analytics.sources import Sources
from kasasu.kit.i18n import Message, _


@dataclass(frozen=True)
class Feature:
    name: str
    unit: str  # count, rate, days, hours, score, money, flag (1 yes, 0 no)
    title: Message
    definition: Message


FEATURES = (
    Feature("mrr", "money", _("MRR"), _("MRR on the day, in the reporting currency")),
    Feature(
        "mrr_change_90d",
        "rate",
        _("MRR change, 90 days"),
        _("(MRR on the day − MRR 90 days before) ÷ MRR 90 days before; none if 0 then"),
    ),
    Feature(
        "tenure_days", "days", _("Tenure"), _("Days since the account's first paid contract day")
    ),
    Feature("events_7d", "count", _("Usage events, 7 days"), _("Usage events in the 7 days")),
    Feature("events_30d", "count", _("Usage events, 30 days"), _("Usage events in the 30 days")),
    Feature("events_90d", "count", _("Usage events, 90 days"), _("Usage events in the 90 days")),
    Feature(
        "usage_trend_30d",
        "rate",
        _("Usage trend, 30 days"),
        _("Events in the 30 days ÷ events in the 30 days before them − 1; none if 0 before"),
    ),
    Feature(
        "active_users_30d",
        "count",
        _("Active users, 30 days"),
        _("Distinct users with an event in the 30 days"),
    ),
    Feature(
        "dau_mau",
        "rate",
        _("DAU/MAU"),
        _("Mean daily distinct users over the 30 days ÷ distinct users in them"),
    ),
    Feature(
        "features_used_30d",
        "count",
        _("Features used, 30 days"),
        _("Distinct event names in the 30 days"),
    ),
    Feature(
        "days_since_last_event",
        "days",
        _("Days since last use"),
        _(
            "Local days since the last usage event; for an account that never used the product "
            "(never_used = 1), the days since its first paid day, all of them without use"
        ),
    ),
    Feature(
        "never_used",
        "flag",
        _("Never used"),
        _("1 if the account has no usage event before the day, else 0"),
    ),
    Feature("seats", "count", _("Seats"), _("Seats on the contract lines active on the day")),
    Feature(
        "seat_utilisation",
        "rate",
        _("Seat utilisation"),
        _("Active users in 30 days ÷ seats; none without seats"),
    ),
    Feature(
        "open_tickets",
        "count",
        _("Open tickets"),
        _("Tickets opened before the day and not resolved by it"),
    ),
    Feature(
        "escalated_tickets",
        "count",
        _("Escalated open tickets"),
        _("Open tickets marked escalated"),
    ),
    Feature(
        "median_response_hours_90d",
        "hours",
        _("Median first response, 90 days"),
        _("Median hours to first response of the tickets opened in the 90 days"),
    ),
    Feature("latest_nps", "score", _("Latest NPS"), _("The latest NPS answer (0–10)")),
    Feature("latest_csat", "score", _("Latest CSAT"), _("The latest CSAT answer (1–5)")),
    Feature(
        "onboarding_progress",
        "rate",
        _("Onboarding progress"),
        _("Onboarding milestones done ÷ all of the account's milestones; none without any"),
    ),
    Feature(
        "milestones_overdue",
        "count",
        _("Overdue milestones"),
        _("Onboarding milestones due before the day and not done by it; none without any"),
    ),
    Feature(
        "first_value_overdue_days",
        "days",
        _("First value overdue"),
        _(
            "Days the first-value milestone is past its due date without being done (0 when "
            "done or not yet due); none without a first-value milestone"
        ),
    ),
    Feature(
        "days_to_renewal",
        "days",
        _("Days to renewal"),
        _("Days to the earliest end date on or after the day among the active contract lines"),
    ),
    Feature(
        "guides_completed_90d",
        "count",
        _("In-app guides completed, 90 days"),
        _(
            "Guides completed by the account's users in the 90 days (a guide completed by two "
            "users counts twice)"
        ),
    ),
    Feature(
        "guides_dismissed_90d",
        "count",
        _("In-app guides dismissed, 90 days"),
        _("Guides closed before their end by the account's users in the 90 days"),
    ),
    Feature(
        "payment_issues",
        "count",
        _("Payment issues"),
        _("Invoices whose payment had failed and that were still unpaid at the day's start"),
    ),
    Feature(
        "engagement_90d",
        "count",
        _("Webinars and community, 90 days"),
        _("Webinar attendances and community posts in the 90 days"),
    ),
    Feature(
        "community_engagement_90d",
        "score",
        _("Community engagement, 90 days"),
        _(
            "Points for what the account's contacts did in the community in the 90 days: a "
            "thread 3, an answer 2, a comment 1, an accepted answer 5 more, a reaction 1 "
            "(hidden threads and replies not counted)"
        ),
    ),
    Feature(
        "events_attended_90d",
        "count",
        _("Events attended, 90 days"),
        _(
            "Attendances of the account's contacts at webinars, seminars, user meetings and "
            "trainings in the 90 days (webinar activities: recorded by the events or imported)"
        ),
    ),
)
FEATURE_NAMES = tuple(f.name for f in FEATURES)
# Not computed here: the churn model's probability (kasasu.prediction), added to the day's
# features once the refresh has scored the accounts; a scorecard, a segment rule or a
# playbook reads it like any feature.
RISK = "churn_risk"
PREDICTED = (
    Feature(
        RISK,
        "rate",
        _("Churn risk"),
        _(
            "Probability that the account churns within the churn model's horizon (90 days) "
            "after the day, from the model the refresh trained on the history before it"
        ),
    ),
)
MEASURABLE = FEATURES + PREDICTED
MEASURABLE_NAMES = tuple(f.name for f in MEASURABLE)
USAGE_FEATURES = (
    "events_7d",
    "events_30d",
    "events_90d",
    "usage_trend_30d",
    "active_users_30d",
    "dau_mau",
    "features_used_30d",
    "days_since_last_event",
    "never_used",
    "seat_utilisation",
)


def account_features(
    src: Sources,
    as_of: date,
    zone: str,
    currency: str,
    scales: Mapping[str, float] | None = None,
) -> ir.Table:
    """(account_id, *FEATURE_NAMES) for every account paying on ``as_of``."""
    at = Instants(as_of, zone)
    days = revenue.on_days([as_of, as_of - timedelta(days=90)])
    lines = revenue.line_mrr(src, days, currency, scales or {})
    mrr = revenue.account_mrr(lines)
    now = mrr.filter(mrr.at == as_of).select("account_id", "mrr")
    then = mrr.filter(mrr.at == as_of - timedelta(days=90)).select("account_id", mrr_then="mrr")
    first = revenue.first_paid_day(src)
    base = attach(now, then, first)
    parts = [
        facts.contracts(src, as_of),
        facts.tickets(src, at),
        facts.latest(src, at, "nps"),
        facts.latest(src, at, "csat"),
        facts.onboarding(src, at),
    ]
    if src.activities is not None:
        parts.append(facts.engagement(src.activities, at))
    if src.guide_viewers is not None:
        parts.append(facts.guides(src.guide_viewers, at))
    if src.invoices is not None:
        parts.append(facts.payments(src.invoices, at))
    posts, replies, reactions = src.community_posts, src.community_replies, src.community_reactions
    has_community = posts is not None and replies is not None and reactions is not None
    if posts is not None and replies is not None and reactions is not None:
        parts.append(community_points(posts, replies, reactions, at.days_before(90), at.now))
    usage = usage_features(src, base.select("account_id"), at.window(), as_of, zone)
    if usage is not None:
        parts.append(usage)
    return _finish(
        attach(base, *parts),
        as_of,
        has_usage=usage is not None,
        has_activities=src.activities is not None,
        has_guides=src.guide_viewers is not None,
        has_invoices=src.invoices is not None,
        has_community=has_community,
    )


def _finish(
    table: ir.Table,
    as_of: date,
    *,
    has_usage: bool,
    has_activities: bool,
    has_guides: bool,
    has_invoices: bool,
    has_community: bool = False,
) -> ir.Table:
    t = table
    null_f = ibis.null("float64")
    zero = ibis.literal(0, "int64")
    day = ibis.literal(as_of, type="date")
    tenure = day.delta(t.first_day, unit="day")

    def rate(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
        return ibis.ifelse(den.isnull() | (den == 0), null_f, num.cast("float64") / den)

    if has_usage:
        events = {n: t[n].fill_null(0) for n in ("events_7d", "events_30d", "events_90d")}
        prior = t.events_prior_30d.fill_null(0)
        users = t.active_users_30d.fill_null(0)
        usage = {
            **events,
            "usage_trend_30d": rate(events["events_30d"], prior) - 1,
            "active_users_30d": users,
            "dau_mau": t.dau_mau,
            "features_used_30d": t.features_used_30d.fill_null(0),
            "days_since_last_event": ibis.coalesce(t.days_since_last_event, tenure),
            "never_used": ibis.ifelse(t.days_since_last_event.isnull(), 1, 0),
            "seat_utilisation": rate(users, t.seats),
        }
    else:
        usage = dict.fromkeys(USAGE_FEATURES, null_f)
    columns = {
        "mrr": t.mrr,
        "mrr_change_90d": rate(t.mrr - t.mrr_then.fill_null(0), t.mrr_then),
        "tenure_days": tenure,
        **usage,
        "seats": t.seats,
        "open_tickets": t.open_tickets.fill_null(zero),
        "escalated_tickets": t.escalated_tickets.fill_null(zero),
        "median_response_hours_90d": t.response_hours,
        "latest_nps": t.latest_nps,
        "latest_csat": t.latest_csat,
        "onboarding_progress": rate(t.milestones_done, t.milestones),
        "milestones_overdue": t.milestones_overdue,
        "first_value_overdue_days": t.first_value_late,
        "days_to_renewal": t.renewal_days,
        "guides_completed_90d": t.guides_completed.fill_null(zero) if has_guides else null_f,
        "guides_dismissed_90d": t.guides_dismissed.fill_null(zero) if has_guides else null_f,
        "engagement_90d": t.engagement_90d.fill_null(zero) if has_activities else null_f,
        "events_attended_90d": (
            t.events_attended_90d.fill_null(zero) if has_activities else null_f
        ),
        "payment_issues": t.payment_issues.fill_null(zero) if has_invoices else null_f,
        "community_engagement_90d": (
            t.community_points.fill_null(zero) if has_community else null_f
        ),
    }
    return t.select("account_id", **{n: columns[n].cast("float64") for n in FEATURE_NAMES})
