from __future__ import annotations

from kasasu.db.repository import Repository
from kasasu.models import Activity


class ActivityRepository(Repository[Activity]):
    model = Activity
    sortable = ("id", "occurred_at", "created_at")
    default_sort = "-occurred_at"
    searchable = ("subject", "body", "external_id")
