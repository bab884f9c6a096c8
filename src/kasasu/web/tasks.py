"""My tasks (今日のタスク): a CSM's open tasks by due date and priority, worked in place."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.accounts.service import account_names
from kasasu.domain.choices import Priority, TaskStatus
from kasasu.domain.dates import today_in
from kasasu.domain.permissions import Action
from kasasu.errors import InvalidInput
from kasasu.kit.i18n import _
from kasasu.tasks.schemas import TaskUpdate
from kasasu.tasks.service import tasks
from kasasu.users.service import list_users
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import Pages

SNOOZE_DAYS = 7
_URGENCY = {Priority.URGENT: 0, Priority.HIGH: 1, Priority.NORMAL: 2, Priority.LOW: 3}
MAX_TASKS = 200


def tasks_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/tasks", response_class=HTMLResponse)
    def my_tasks(request: Request, user: CurrentUser) -> HTMLResponse:
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

        today = today_in(web_context(request).timezone)
        data = in_transaction(request, load)
        return pages.render(request, "tasks.html", user=user, today=today, **data)

    @router.post("/tasks/{task_id}/{action}", dependencies=[Depends(check_csrf)])
    def work(
        request: Request,
        task_id: int,
        action: str,
        user: CurrentUser,
        owner_id: Annotated[int | None, Form()] = None,
    ) -> Response:
        require(user, Action.WRITE)
        today = today_in(web_context(request).timezone)
        change = _change(action, today, owner_id)
        updated = in_transaction(request, lambda s: tasks.update(s, task_id, change))
        if not request.headers.get("hx-request"):
            return RedirectResponse("/tasks", status_code=303)
        # In place: a completed or reassigned task leaves my list; a snoozed one stays.
        if updated.status is not TaskStatus.OPEN or updated.owner_id != user.id:
            return pages.render(request, "_task_done.html", task=updated)
        names = in_transaction(request, lambda s: account_names(s, [updated.account_id or 0]))
        users = in_transaction(request, list_users)
        return pages.render(
            request,
            "_task_row.html",
            t=updated,
            accounts=names,
            users=users,
            today=today,
            user=user,
        )

    return router


def _change(action: str, today: date, owner_id: int | None) -> TaskUpdate:
    if action == "complete":
        return TaskUpdate(status=TaskStatus.DONE, completed_at=datetime.now(UTC))
    if action == "snooze":
        return TaskUpdate(due_date=today + timedelta(days=SNOOZE_DAYS))
    if action == "reassign" and owner_id is not None:
        return TaskUpdate(owner_id=owner_id)
    raise InvalidInput(_("Unknown task action {action}", action=action))
