"""Local days of instants as day numbers in Ibis, on every engine alike
(``kasasu.domain.local_days``): an integer sum with the zone's UTC offset, so that no engine's
time-zone functions are involved and days are exact across daylight-saving changes."""

from __future__ import annotations

from datetime import date

import ibis
import ibis.expr.types as ir

from kasasu.analytics.kpis_support import whole_seconds
from kasasu.domain.local_days import DAY_SECONDS, offset_spans


class LocalDays:
    """Local days of instants: the zone's offset spans from ``first`` to ``last`` (one for a
    zone without daylight saving, so no join)."""

    def __init__(self, zone: str, first: date, last: date) -> None:
        self.spans = offset_spans(zone, first, last)

    def add(self, table: ir.Table, column: str, name: str) -> ir.Table:
        """``table`` with ``name``: the local day number of its instant ``column``."""
        if len(self.spans) == 1:
            seconds = whole_seconds(table[column])
            return table.mutate(**{name: (seconds + self.spans[0].offset) // DAY_SECONDS})
        spans = ibis.memtable(
            {
                "span_start": [s.start for s in self.spans],
                "span_until": [s.until for s in self.spans],
                "span_offset": [s.offset for s in self.spans],
            },
            schema={"span_start": "int64", "span_until": "int64", "span_offset": "int64"},
        )
        t = table.view()
        seconds = whole_seconds(t[column])
        joined = t.left_join(spans, [seconds >= spans.span_start, seconds < spans.span_until])
        local = (whole_seconds(joined[column]) + joined.span_offset) // DAY_SECONDS
        return joined.select(*table.columns, **{name: local})
