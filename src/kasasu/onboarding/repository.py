from __future__ import annotations

from kasasu.db.repository import Repository
from kasasu.models import Milestone


class MilestoneRepository(Repository[Milestone]):
    model = Milestone
    sortable = ("id", "position", "due_date")
