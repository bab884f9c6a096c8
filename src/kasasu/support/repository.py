from __future__ import annotations

from kasasu.db.repository import Repository
from kasasu.models import Ticket


class TicketRepository(Repository[Ticket]):
    model = Ticket
    sortable = ("id", "opened_at", "resolved_at", "priority", "created_at", "updated_at")
    default_sort = "-opened_at"
    searchable = ("subject", "external_id")
