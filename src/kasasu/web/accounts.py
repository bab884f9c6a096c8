"""Accounts: the list (search, filters, sort, paging) and the account 360° page."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy.orm import Session

from kasasu.accounts.service import accounts
from kasasu.activities.schemas import ActivityCreate
from kasasu.activities.service import activities
from kasasu.audit.service import account_history
from kasasu.domain.choices import ActivityKind, Priority, Role, TaskSource, TouchModel
from kasasu.domain.dates import local_midnight
from kasasu.domain.permissions import Action
from kasasu.errors import InvalidInput, NotFound
from kasasu.events.service import daily_usage
from kasasu.health.explain import account_health
from kasasu.health.snapshots import latest_briefs, mrr_history, touch_history
from kasasu.health.workload import TOUCH_COLUMNS
from kasasu.kit.i18n import _
from kasasu.kit.paging import DEFAULT_LIMIT
from kasasu.needs.requests import feedback
from kasasu.onboarding.service import milestones
from kasasu.playbooks.service import playbook_log
from kasasu.segments.service import list_segments
from kasasu.subscriptions.service import subscriptions
from kasasu.support.service import tickets
from kasasu.surveys.service import responses
from kasasu.tasks.schemas import TaskCreate
from kasasu.tasks.service import tasks
from kasasu.users.schemas import UserRead
from kasasu.users.service import delete_view, list_users, save_view, saved_views, user_names
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, web_context
from kasasu.web.playbook_rows import status_labels
from kasasu.web.render import Pages, request_locale

USAGE_DAYS = 90
MRR_HISTORY_DAYS = 365
PLAYBOOK_RUNS_SHOWN = 10
HISTORY_SHOWN = 20  # the latest audit log entries of the account
NOTE_KINDS = (ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL)
BANDS = ("red", "yellow", "green", "unknown")
RENEWAL_WINDOWS = (30, 60, 90, 180)
VIEW_FIELDS = (
    "q", "plan", "tier", "touch_model", "owner_id", "band", "renews", "segment", "mine", "sort"
)  # fmt: skip
SORTS = ("name", "-name", "external_id", "plan", "-created_at")
FILTERS = ("plan", "owner_id", "industry", "tier", "segment")


class NewTask(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    due_date: Annotated[date | None, BeforeValidator(lambda v: v or None)] = None  # "" = none
    priority: Priority = Priority.NORMAL
    csrf_token: str = ""


def list_filters(request: Request, user: UserRead) -> tuple[dict[str, Any], bool, str]:
    """(filters, mine, sort) of the accounts list from the query string; the export reads
    the same, so a download holds exactly the accounts on screen."""
    params = request.query_params
    # A CSM starts on "my accounts"; everyone can switch to all.
    mine = params.get("mine", "1" if user.role is Role.CSM else "0") == "1"
    filters: dict[str, Any] = {name: params.get(name) or None for name in FILTERS}
    owner = filters["owner_id"]
    filters["owner_id"] = int(owner) if owner is not None and owner.isdigit() else None
    if mine:
        filters["owner_id"] = user.id
    filters["q"] = (params.get("q") or "").strip() or None
    filters["band"] = params.get("band") if params.get("band") in BANDS else None
    # The touch model it has now: its own, else the latest refresh's ("none": neither).
    touch = params.get("touch_model")
    filters["current_touch_model"] = touch if touch in TOUCH_COLUMNS else None
    renews = params.get("renews", "")
    if renews.isdigit() and int(renews) in RENEWAL_WINDOWS:
        today = datetime.now(ZoneInfo(web_context(request).timezone)).date()
        filters["renews_from"] = today
        filters["renews_to"] = today + timedelta(days=int(renews))
    sort = params.get("sort") or "name"
    return filters, mine, sort if sort in SORTS else "name"


def accounts_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/accounts", response_class=HTMLResponse)
    def account_list(request: Request, user: CurrentUser) -> HTMLResponse:
        filters, mine, sort = list_filters(request, user)
        cursor = request.query_params.get("cursor") or None
        params = request.query_params

        def load(session: Session) -> dict[str, Any]:
            page = accounts.list_page(
                session, filters, sort=sort, cursor=cursor, limit=DEFAULT_LIMIT
            )
            ids = [a.id for a in page.items]
            return {
                "page": page,
                "total": accounts.count(session, filters),
                "health": latest_briefs(session, ids),
                "owners": user_names(session, [a.owner_id for a in page.items if a.owner_id]),
                "users": list_users(session),
                "views": saved_views(session, user.id, "accounts"),
                "segments": list_segments(session),
            }

        data = in_transaction(request, load)
        template = "_account_rows.html" if request.headers.get("hx-request") else "accounts.html"
        return pages.render(
            request,
            template,
            user=user,
            mine=mine,
            filters=filters,
            sort=sort,
            touch_models=[*TouchModel, "none"],
            bands=BANDS,
            renewal_windows=RENEWAL_WINDOWS,
            query=dict(params),
            **data,
        )

    @router.post("/accounts/views", dependencies=[Depends(check_csrf)])
    async def save_accounts_view(request: Request, user: CurrentUser) -> Response:
        """The filters come as the filter form's fields (htmx includes them, so the view is
        what is on screen) or, without JavaScript, as the page's query string."""
        form = await request.form()
        fields = [(k, str(v)) for k, v in form.multi_items() if k in VIEW_FIELDS and str(v) != ""]
        if not fields:
            fields = [(k, v) for k, v in parse_qsl(str(form.get("query", ""))) if k in VIEW_FIELDS]
        kept = urlencode(fields)
        name = str(form.get("name", ""))
        in_transaction(request, lambda s: save_view(s, user.id, "accounts", name, kept))
        target = f"/accounts?{kept}"
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @router.post("/accounts/views/{view_id}/delete", dependencies=[Depends(check_csrf)])
    def delete_accounts_view(request: Request, view_id: int, user: CurrentUser) -> Response:
        in_transaction(request, lambda s: delete_view(s, user.id, view_id))
        return RedirectResponse("/accounts", status_code=303)

    @router.get("/accounts/{account_id}", response_class=HTMLResponse)
    def account_page(request: Request, account_id: int, user: CurrentUser) -> HTMLResponse:
        ctx = web_context(request)
        locale = request_locale(request)
        data = in_transaction(request, lambda s: _account_360(s, account_id, locale, ctx.currency))
        today = datetime.now(ZoneInfo(ctx.timezone)).date()
        start = today - timedelta(days=USAGE_DAYS)
        usage = daily_usage(
            ctx.events_path,
            data["account"].external_id,
            local_midnight(start, ctx.timezone),
            local_midnight(today, ctx.timezone),
            ctx.timezone,
        )
        chart = {
            "days": [d.isoformat() for d, _n, _u in usage],
            "events": [n for _d, n, _u in usage],
            "users": [u for _d, _n, u in usage],
            "mrr_days": [d.isoformat() for d, _m in data["mrr_history"]],
            "mrr": [m for _d, m in data["mrr_history"]],
        }
        return pages.render(request, "account.html", user=user, chart=chart, **data)

    @router.post("/accounts/{account_id}/notes", dependencies=[Depends(check_csrf)])
    def log_note(
        request: Request,
        account_id: int,
        user: CurrentUser,
        body: Annotated[str, Form(min_length=1, max_length=20_000)],
        kind: Annotated[ActivityKind, Form()] = ActivityKind.NOTE,
    ) -> Response:
        require(user, Action.WRITE)
        text = body.strip()
        if not text:
            raise InvalidInput(_("Write something to log"))
        note = ActivityCreate(
            account_id=account_id,
            user_id=user.id,
            kind=kind,
            subject=text.splitlines()[0][:200],
            body=text,
            occurred_at=datetime.now(UTC),
        )
        in_transaction(request, lambda s: activities.create(s, note))
        return RedirectResponse(f"/accounts/{account_id}#timeline", status_code=303)

    @router.post("/accounts/{account_id}/tasks", dependencies=[Depends(check_csrf)])
    def create_task(
        request: Request,
        account_id: int,
        user: CurrentUser,
        form: Annotated[NewTask, Form()],
    ) -> Response:
        require(user, Action.WRITE)
        task = TaskCreate(
            account_id=account_id,
            owner_id=user.id,
            title=form.title.strip(),
            due_date=form.due_date,
            priority=form.priority,
            source=TaskSource.MANUAL,
        )
        in_transaction(request, lambda s: tasks.create(s, task))
        return RedirectResponse(f"/accounts/{account_id}#tasks", status_code=303)

    return router


def _account_360(session: Session, account_id: int, locale: str, currency: str) -> dict[str, Any]:
    account = accounts.get(session, account_id)
    mine = {"account_id": account_id}
    try:
        health = account_health(session, account_id, locale=locale, currency=currency)
    except NotFound:
        health = None  # not scored yet: the page says how to get a score
    owner_ids = [account.owner_id] if account.owner_id else []
    return {
        "account": account,
        "health": health,
        "brief": latest_briefs(session, [account_id]).get(account_id),
        "mrr_history": mrr_history(
            session, account_id, datetime.now(UTC).date() - timedelta(days=MRR_HISTORY_DAYS)
        ),
        "owner": user_names(session, owner_ids).get(account.owner_id or 0),
        "touch_history": touch_history(session, account_id),
        "subscriptions": subscriptions.list_page(session, mine, sort="-start_date", limit=50).items,
        "tickets": tickets.list_page(session, mine, sort="-opened_at", limit=20).items,
        "responses": responses.list_page(session, mine, sort="-answered_at", limit=20).items,
        "timeline": activities.list_page(session, mine, sort="-occurred_at", limit=30).items,
        "tasks": tasks.list_page(
            session, mine | {"status": "open"}, sort="due_date", limit=20
        ).items,
        "milestones": milestones.list_page(session, mine, sort="position", limit=30).items,
        "feedback": feedback.list_page(session, mine, sort="-created_at", limit=20).items,
        "playbook_runs": playbook_log(
            session, locale, limit=PLAYBOOK_RUNS_SHOWN, account_id=account_id
        ),
        "history": account_history(session, account_id, limit=HISTORY_SHOWN),
        "run_labels": status_labels(locale),
        "note_kinds": NOTE_KINDS,
        "priorities": list(Priority),
    }
