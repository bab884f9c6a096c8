from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from kasasu.db.service import CrudService
from kasasu.domain.choices import TaskStatus
from kasasu.kit.i18n import _
from kasasu.models import Task
from kasasu.tasks.repository import TaskRepository
from kasasu.tasks.schemas import TaskCreate, TaskRead, TaskUpdate


class TaskService(CrudService[Task, TaskCreate, TaskUpdate, TaskRead]):
    repository = TaskRepository
    read_schema = TaskRead
    noun = _("Task")
    external_id_prefix = "task"

    def update(self, session: Session, row_id: int, data: TaskUpdate) -> TaskRead:
        # Completing a task stamps when; reopening it clears the stamp.
        if data.status == TaskStatus.DONE and data.completed_at is None:
            data = data.model_copy(update={"completed_at": datetime.now(UTC)})
        elif data.status is not None and data.status != TaskStatus.DONE:
            data = data.model_copy(update={"completed_at": None})
        return super().update(session, row_id, data)


tasks = TaskService()
