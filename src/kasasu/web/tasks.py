"""My tasks (今日のタスク): a CSM's open tasks by due date and priority, worked in place."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.accounts.service import account_names
from kasasu.domain.choices import Priority, TaskStatus
from kasasu.domain.permissions import Action
from kasasu.errors import InvalidInput
from kasasu.kit.i18n import _
from kasasu.onboarding.service import follow_task
from kasasu.tasks.schemas import TaskRead, TaskUpdate
from kasasu.tasks.service import tasks
from kasasu.users.service import list_users
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction
from kasasu.web.render import PagesDep, ReportingDep

SNOOZE_DAYS = 7
_URGENCY = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}
MAX_TASKS = 200

router = APIRouter(include_in_schema=False)


@router.get("/tasks", response_class=HTMLResponse)
def my_tasks(
    request: Request, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    def load(session: Session) -> dict[str, Any]:
        mine = {"owner_id": user.id, "status": TaskStatus.OPEN.value}
        rows = tasks.list_page(session, mine, sort="due_date", limit=MAX_TASKS).items
        # Due date first (no date last), then the most urgent.
        rows.sort(key=lambda t: (t.due_date is None, t.due_date, _URGENCY[t.priority]))
        return {
            "tasks": rows,
            "accounts": account_names(session, [t.account_id for t in rows if t.account_id]),
            "users": list_users(session),
        }

    data = in_transaction(request, load)
    return pages.render(request, "tasks.html", user=user, today=report.today(), **data)


@router.post("/tasks/{task_id}/{action}", dependencies=[Depends(check_csrf)])
def work(
    request: Request,
    task_id: int,
    action: str,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    owner_id: Annotated[int | None, Form()] = None,
) -> Response:
    require(user, Action.WRITE)
    today = report.today()
    change = _change(action, today, owner_id)
    in_place = bool(request.headers.get("hx-request"))

    def apply(session: Session) -> tuple[TaskRead, dict[str, Any] | None]:
        updated = tasks.update(session, task_id, change)
        follow_task(session, updated)  # an onboarding step done as its task
        if not in_place or _leaves_list(updated, user.id):
            return updated, None
        names = account_names(session, [updated.account_id or 0])
        return updated, {"accounts": names, "users": list_users(session)}

    updated, row = in_transaction(request, apply)
    if not in_place:
        return RedirectResponse("/tasks", status_code=303)
    if row is None:
        return pages.render(request, "_task_done.html", task=updated)
    return pages.render(request, "_task_row.html", t=updated, today=today, user=user, **row)


def _leaves_list(task: TaskRead, user_id: int) -> bool:
    """In place: a completed or reassigned task leaves my list; a snoozed one stays."""
    return task.status is not TaskStatus.OPEN or task.owner_id != user_id


def _change(action: str, today: date, owner_id: int | None) -> TaskUpdate:
    if action == "complete":
        return TaskUpdate(status=TaskStatus.DONE, completed_at=datetime.now(UTC))
    if action == "snooze":
        return TaskUpdate(due_date=today + timedelta(days=SNOOZE_DAYS))
    if action == "reassign" and owner_id is not None:
        return TaskUpdate(owner_id=owner_id)
    raise InvalidInput(_("Unknown task action {action}", action=action))
