"""Two segments over the book of tests/health/touch_data.py, with a history by hand.

big (mrr >= 100000): W1 entered on BEFORE; W4 entered on BEFORE, left on DAY; W5 entered
on DAY → members on DAY: W1, W5 (also after the latest refresh). small: nobody.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kasasu.models import SegmentMember
from kasasu.segments.schemas import SegmentDefinition
from kasasu.segments.service import save_segment
from tests.health.touch_data import BEFORE, DAY, add_workload_book


def add_segments(session: Session, ids: dict[str, int] | None = None) -> dict[str, int]:
    ids = ids or add_workload_book(session)
    big = save_segment(
        session, SegmentDefinition(name="big", rule="mrr >= 100000", description="大口")
    )
    save_segment(session, SegmentDefinition(name="small", rule="mrr < 50000"))
    stays = [("W1", BEFORE, None), ("W4", BEFORE, DAY), ("W5", DAY, None)]
    session.add_all(
        SegmentMember(segment_id=big.id, account_id=ids[a], entered_on=entered, left_on=left)
        for a, entered, left in stays
    )
    session.flush()
    return ids
