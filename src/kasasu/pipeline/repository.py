from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from kasasu.db.repository import Repository
from kasasu.models import Deal, Lead


class LeadRepository(Repository[Lead]):
    model = Lead
    sortable = ("id", "created_at", "qualified_at", "company_name", "updated_at")
    default_sort = "-created_at"
    searchable = ("company_name", "email", "external_id")

    def accounts_of(self, lead_ids: Iterable[int]) -> dict[int, int | None]:
        """Lead id → its account (None when it has none), for the leads that exist."""
        wanted = list(dict.fromkeys(lead_ids))
        found: dict[int, int | None] = {}
        for start in range(0, len(wanted), 900):  # SQLite allows ~1000 bound parameters
            chunk = wanted[start : start + 900]
            rows = self.session.execute(select(Lead.id, Lead.account_id).where(Lead.id.in_(chunk)))
            found.update((lead_id, account_id) for lead_id, account_id in rows)
        return found

    def names(self, lead_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """Lead id → (external id, company name), for the leads that exist."""
        wanted = list(dict.fromkeys(lead_ids))
        found: dict[int, tuple[str, str]] = {}
        columns = (Lead.id, Lead.external_id, Lead.company_name)
        for start in range(0, len(wanted), 900):  # SQLite allows ~1000 bound parameters
            rows = self.session.execute(
                select(*columns).where(Lead.id.in_(wanted[start : start + 900]))
            )
            found.update((lead_id, (external_id, name)) for lead_id, external_id, name in rows)
        return found


class DealRepository(Repository[Deal]):
    model = Deal
    sortable = ("id", "created_on", "closed_on", "amount", "name", "created_at", "updated_at")
    default_sort = "-created_on"
    searchable = ("name", "external_id")
