"""Purchases as the product reports them: events whose name says they are a purchase, with a
value (usage-based charges, one-off purchases, transactions), per account and local day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import ibis.expr.types as ir

from kasasu.analytics.features_usage import DAY_SECONDS
from kasasu.analytics.kpis_support import whole_seconds
from kasasu.analytics.sources import Sources
from kasasu.domain.dates import local_midnight


def purchase_days(src: Sources, names: Sequence[str], before: date, zone: str) -> ir.Table | None:
    """(account_id, day, value): the value of each account's purchase events per local day
    before ``before``, the day as whole days from ``before`` (−1 the day before); None
    without an event store or purchase names. Days are 86,400 s steps from ``before``'s
    midnight, exact in zones without daylight-saving time (an hour off around a change)."""
    e = src.usage_events
    if e is None or not names:
        return None
    end = int(local_midnight(before, zone).timestamp())
    a = src.accounts.select(account_id=src.accounts.id, external_id=src.accounts.external_id)
    e = e.filter(e.event_name.isin(sorted(names)) & (e.value > 0))
    e = e.filter(whole_seconds(e.occurred_at) < end)
    j = e.join(a, e.account_external_id == a.external_id)
    j = j.mutate(day=((whole_seconds(j.occurred_at) - end) / DAY_SECONDS).floor().cast("int64"))
    return j.group_by(["account_id", "day"]).aggregate(value=j.value.sum())
