from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from kasasu.db.repository import Repository
from kasasu.models import Activity


class ActivityRepository(Repository[Activity]):
    model = Activity
    sortable = ("id", "occurred_at", "created_at")
    default_sort = "-occurred_at"
    searchable = ("subject", "body", "external_id")

    def last_touch(self, account_id: int) -> dict[int, datetime]:
        """Each contact's latest activity at the account."""
        stmt = (
            select(Activity.contact_id, func.max(Activity.occurred_at))
            .where(Activity.account_id == account_id, Activity.contact_id.is_not(None))
            .group_by(Activity.contact_id)
        )
        return {int(c): at for c, at in self.session.execute(stmt) if c is not None}
