"""The demo's segments: what a CS team would save first, so that segment pages, survey
campaigns to a segment and segment playbooks have something to work on from the start."""

from __future__ import annotations

from kasasu.demo.shapes import Row
from kasasu.demo.timeline import Calendar
from kasasu.segments.service import validate_segment

SEGMENTS = (
    ("enterprise", 'plan == "Enterprise"', "エンタープライズプランの顧客"),
    (
        "high-value-at-risk",
        'band in ["red", "yellow"] and mrr >= 100000',
        "MRR 10万円以上で黄・赤",
    ),
    ("tech-touch", 'touch_model == "tech"', "テックタッチの顧客"),
    (
        "quiet-users",
        "days_since_last_event >= 14",
        "2週間以上利用のない顧客",
    ),
)


def segment_rows(cal: Calendar, first_id: int) -> list[Row]:
    """The segments as rows, checked like any saved segment; membership comes with the
    refresh (``make demo``'s backfill)."""
    created = cal.instant(cal.start, 9.0)
    rows = []
    for i, (name, rule, description) in enumerate(SEGMENTS):
        segment = validate_segment({"name": name, "rule": rule, "description": description}, name)
        rows.append(
            {
                "id": first_id + i,
                "name": segment.name,
                "rule": segment.rule,
                "description": segment.description,
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows
