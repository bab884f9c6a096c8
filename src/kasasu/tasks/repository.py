from __future__ import annotations

from kasasu.db.repository import Repository
from kasasu.models import Task


class TaskRepository(Repository[Task]):
    model = Task
    sortable = ("id", "due_date", "priority", "completed_at", "created_at", "updated_at")
    default_sort = "due_date"
    searchable = ("title", "description")
