"""The facts every metric reads, as Ibis tables with the operational column names.

On PostgreSQL they are the operational tables themselves; on the embedded DuckDB engine a
slice copies them in first. Either way a metric sees the same columns, so one definition
runs on every engine.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.common.exceptions import TableNotFound

from kasasu.analytics._compat import utc_timestamps
from kasasu.domain.account_fields import KPI_FILTERS
from kasasu.domain.dates import local_midnight
from kasasu.domain.periods import Period, months_between

TABLES = (
    "accounts",
    "subscriptions",
    "exchange_rates",
    "tickets",
    "survey_responses",
    "milestones",
)
# Account columns a metric may be filtered by (DESIGN.md §4: segment, plan, touch model...).
FILTERABLE = KPI_FILTERS
ACCOUNT_IDS = "account_ids"  # the filter keeping only the accounts whose ids it lists


@dataclass(frozen=True)
class Sources:
    accounts: ir.Table
    subscriptions: ir.Table
    exchange_rates: ir.Table
    tickets: ir.Table
    survey_responses: ir.Table
    milestones: ir.Table
    usage_events: ir.Table | None = None
    activities: ir.Table | None = None  # only the health features read them
    renewals: ir.Table | None = None  # recorded renewal dates (the renewal-rate KPIs)
    health_scores: ir.Table | None = None  # bands by day (loyal customers are green)
    guides: ir.Table | None = None  # (id, key): only the guide features read them
    guide_viewers: ir.Table | None = None  # one row per user and guide shown
    invoices: ir.Table | None = None  # the billing connector's: payment issues
    # The community's threads, replies and reactions: its engagement feature only.
    community_posts: ir.Table | None = None
    community_replies: ir.Table | None = None
    community_reactions: ir.Table | None = None
    leads: ir.Table | None = None  # the funnel's (kpis_funnel), with the CRM's deals
    deals: ir.Table | None = None
    filters: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_backend(cls, con: Any, usage_events: ir.Table | None = None) -> Sources:
        """Read the operational tables of ``con`` (an Ibis backend) by their names."""
        return cls(
            **{name: utc_timestamps(con.table(name)) for name in TABLES},
            usage_events=None if usage_events is None else utc_timestamps(usage_events),
            activities=_optional(con, "activities"),
            renewals=_optional(con, "renewals"),
            health_scores=_optional(con, "health_scores"),
            guides=_optional(con, "guides"),
            guide_viewers=_optional(con, "guide_viewers"),
            invoices=_optional(con, "invoices"),
            community_posts=_optional(con, "community_posts"),
            community_replies=_optional(con, "community_replies"),
            community_reactions=_optional(con, "community_reactions"),
            leads=_optional(con, "leads"),
            deals=_optional(con, "deals"),
        )

    def filtered(self, filters: Mapping[str, Any]) -> Sources:
        """Keep only the accounts (and what hangs off them) matching every filter.

        Leads and deals stay whole: a lead may reach its account only through its deal, so
        the funnel keeps the leads of the chosen accounts itself (``filters`` says whether
        accounts were chosen)."""
        chosen = {k: v for k, v in filters.items() if v is not None}
        if not chosen:
            return self
        unknown = set(chosen) - {*FILTERABLE, ACCOUNT_IDS}
        if unknown:
            raise ValueError(f"unknown account filters: {sorted(unknown)}")
        accounts = self.accounts
        for name, value in chosen.items():
            if name == ACCOUNT_IDS:  # a list of ids, e.g. a segment's members on a day
                accounts = accounts.filter(accounts.id.isin(sorted(value)))
            else:
                accounts = accounts.filter(accounts[name] == value)
        ids = accounts.select("id")

        def keep(table: ir.Table) -> ir.Table:
            return table.semi_join(ids, table.account_id == ids.id)

        return replace(
            self,
            accounts=accounts,
            subscriptions=keep(self.subscriptions),
            tickets=keep(self.tickets),
            survey_responses=keep(self.survey_responses),
            milestones=keep(self.milestones),
            activities=None if self.activities is None else keep(self.activities),
            guide_viewers=None if self.guide_viewers is None else keep(self.guide_viewers),
            invoices=None if self.invoices is None else keep(self.invoices),
            community_posts=_kept(self.community_posts, keep),
            community_replies=_kept(self.community_replies, keep),
            community_reactions=_kept(self.community_reactions, keep),
            filters=chosen,
        )


def _kept(table: ir.Table | None, keep: Callable[[ir.Table], ir.Table]) -> ir.Table | None:
    return None if table is None else keep(table)


def _optional(con: Any, name: str) -> ir.Table | None:
    """A table only some metrics read; facts copied by an older caller (the metrics
    benchmark) may not have it."""
    try:
        return utc_timestamps(con.table(name))
    except TableNotFound:
        return None


def period_table(periods: Sequence[Period], zone: str) -> ir.Table:
    """The periods as a small in-memory table.

    ``start``/``end`` are local dates (for contract dates); ``start_at``/``end_at`` are the
    same boundaries as UTC instants (00:00 in ``zone``), for timestamps such as answers,
    tickets and usage events.
    """
    return ibis.memtable(
        {
            "period": [p.label for p in periods],
            "start": [p.start for p in periods],
            "end": [p.end for p in periods],
            "months": [months_between(p.start, p.end) for p in periods],
            "start_at": [local_midnight(p.start, zone) for p in periods],
            "end_at": [local_midnight(p.end, zone) for p in periods],
        },
        schema={
            "period": "string",
            "start": "date",
            "end": "date",
            "months": "int64",
            "start_at": "timestamp('UTC')",
            "end_at": "timestamp('UTC')",
        },
    )
