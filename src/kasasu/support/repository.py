from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, or_, select

from kasasu.db.repository import Repository
from kasasu.models import Ticket


class TicketRepository(Repository[Ticket]):
    model = Ticket
    sortable = ("id", "opened_at", "resolved_at", "priority", "created_at", "updated_at")
    default_sort = "-opened_at"
    searchable = ("subject", "external_id")

    def count_around(
        self, words: Sequence[str], start: datetime, middle: datetime, end: datetime
    ) -> tuple[int, int]:
        """Tickets whose subject holds any of ``words``, opened in [start, middle) and in
        [middle, end): one pass over the tickets of the whole span."""
        if not words:
            return 0, 0
        lowered = func.lower(Ticket.subject)
        about = or_(*(lowered.contains(word.lower(), autoescape=True) for word in words))
        before = func.sum(case((Ticket.opened_at < middle, 1), else_=0))
        stmt = select(func.count(), before).where(
            Ticket.opened_at >= start, Ticket.opened_at < end, about
        )
        total, earlier = self.session.execute(stmt).one()
        return int(earlier or 0), int(total or 0) - int(earlier or 0)
