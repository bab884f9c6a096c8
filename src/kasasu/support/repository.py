from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select

from kasasu.db.repository import Repository
from kasasu.models import Ticket


class TicketRepository(Repository[Ticket]):
    model = Ticket
    sortable = ("id", "opened_at", "resolved_at", "priority", "created_at", "updated_at")
    default_sort = "-opened_at"
    searchable = ("subject", "external_id")

    def count_about(self, words: Sequence[str], start: datetime, end: datetime) -> int:
        """Tickets opened in [start, end) whose subject holds any of ``words``."""
        if not words:
            return 0
        lowered = func.lower(Ticket.subject)
        stmt = select(func.count()).where(
            Ticket.opened_at >= start,
            Ticket.opened_at < end,
            or_(*(lowered.contains(word.lower(), autoescape=True) for word in words)),
        )
        return int(self.session.scalar(stmt) or 0)
