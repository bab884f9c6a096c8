"""Accounts: the list (search, filters, sort, paging, saved views) and the account 360° page."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.domain.choices import (
    ActivityKind,
    GoalStatus,
    MeetingKind,
    Priority,
    Role,
    SurveyKind,
    TouchModel,
)
from kasasu.domain.reporting import Reporting
from kasasu.errors import InvalidInput
from kasasu.kit.types import local_text
from kasasu.needs.service import need_titles, open_needs
from kasasu.onboarding.success import LINK_DAYS
from kasasu.onboarding.templates import list_templates
from kasasu.playbooks.definitions import enabled_playbooks
from kasasu.segments.service import list_segments
from kasasu.surveys.campaigns import mailable_campaigns
from kasasu.users.schemas import UserRead
from kasasu.users.service import delete_view, list_users, save_view, saved_views
from kasasu.web.auth import CurrentUser, check_csrf
from kasasu.web.context import in_transaction, web_context
from kasasu.web.playbook_rows import status_labels
from kasasu.web.render import Pages, PagesDep, ReportingDep, lenient
from kasasu.web.timeline_chart import step_bars
from kasasu.workspace.accounts import (
    NO_TOUCH_MODEL,
    RENEWAL_WINDOWS,
    AccountListQuery,
    list_accounts,
)
from kasasu.workspace.overview import AccountOverview, account_overview
from kasasu.workspace.requests import source_of

NOTE_KINDS = (ActivityKind.NOTE, ActivityKind.CALL, ActivityKind.MEETING, ActivityKind.EMAIL)
VIEW_FIELDS = (
    "q", "plan", "tier", "touch_model", "owner_id", "band", "renews", "segment", "mine", "sort",
    "worse_than_on",
)  # fmt: skip

router = APIRouter(include_in_schema=False)


def list_query(request: Request, user: CurrentUser) -> tuple[AccountListQuery, bool]:
    """The accounts list's query from the query string, and whether it is "my accounts";
    the export reads the same, so a download holds exactly the accounts on screen."""
    return list_query_of(request.query_params, user)


def list_query_of(params: Mapping[str, str], user: UserRead) -> tuple[AccountListQuery, bool]:
    """The same from any list's parameters (a bulk action carries the list's own)."""
    # A CSM starts on "my accounts"; everyone can switch to all.
    mine = params.get("mine", "1" if user.role is Role.CSM else "0") == "1"
    query = lenient(AccountListQuery, params)
    return (query.model_copy(update={"owner_id": user.id}) if mine else query), mine


ListQuery = Annotated[tuple[AccountListQuery, bool], Depends(list_query)]


@router.get("/accounts", response_class=HTMLResponse)
def account_list(
    request: Request, user: CurrentUser, pages: PagesDep, report: ReportingDep, chosen: ListQuery
) -> HTMLResponse:
    query, mine = chosen

    def load(session: Session) -> dict[str, Any]:
        return {
            "page": list_accounts(session, query, report.today()),
            "users": list_users(session),
            "views": saved_views(session, user.id, "accounts"),
            "segments": list_segments(session),
            "bulk_campaigns": mailable_campaigns(session),
            "bulk_templates": [(t.name, t.definition["title"]) for t in list_templates(session)],
            "bulk_playbooks": [
                (pb.name, local_text(pb.title, report.locale))
                for _id, pb in enabled_playbooks(session)
            ],
        }

    template = "_account_rows.html" if request.headers.get("hx-request") else "accounts.html"
    return pages.render(
        request,
        template,
        user=user,
        mine=mine,
        filters=query,
        touch_models=[*TouchModel, NO_TOUCH_MODEL],
        renewal_windows=RENEWAL_WINDOWS,
        query=dict(request.query_params),
        **in_transaction(request, load),
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
def account_page(
    request: Request, account_id: int, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    return render_account(request, account_id, user, pages, report)


def _request_prefill(session: Session, account_id: int, source: str | None) -> dict[str, str]:
    """The request form started from a ticket, an answer or an activity of this account:
    its source chosen and its words as the title (nothing for another account's)."""
    if not source:
        return {}
    try:
        _kind, _id, words = source_of(session, account_id, source)
    except (InvalidInput, ValidationError):
        return {}
    return {"source": source, "title": words}


def render_account(
    request: Request,
    account_id: int,
    user: UserRead,
    pages: Pages,
    report: Reporting,
    *,
    status: int = 200,
    **forms: Any,
) -> HTMLResponse:
    """The account 360° page; ``forms``: an action form typed with mistakes, shown again."""
    path = web_context(request).events_path
    asked_source = request.query_params.get("request_from")

    def load(s: Session) -> tuple[Any, ...]:
        overview = account_overview(s, account_id, report, path)
        needs = [f.need_id for f in overview.feedback if f.need_id]
        return (
            overview,
            list_users(s),
            [(pb.name, local_text(pb.title, report.locale)) for _id, pb in enabled_playbooks(s)],
            open_needs(s),
            need_titles(s, needs),
            _request_prefill(s, account_id, asked_source),
        )

    overview, users, startable, needs, titles, prefill = in_transaction(request, load)
    return pages.render(
        request,
        "account.html",
        status,
        user=user,
        **{"request_form": prefill, **forms},
        **dict(overview),
        open_needs=needs,
        need_titles=titles,
        mail_ready=web_context(request).surveys is not None,
        survey_kinds=list(SurveyKind),
        chart=_chart(overview),
        run_labels=status_labels(report.locale),
        note_kinds=NOTE_KINDS,
        priorities=list(Priority),
        users=users,
        playbooks=startable,
        started=request.query_params.get("started"),
        waiting=request.query_params.get("waiting", "0"),
        emailed=request.query_params.get("emailed"),
        invited=request.query_params.get("invited"),
        invited_kind=(request.query_params.get("kind") or "").upper()[:8],
        today=report.today(),
        goal_statuses=list(GoalStatus),
        link_days=LINK_DAYS,
        onboarding_bars=(
            step_bars(overview.onboarding, report.today()) if overview.onboarding else None
        ),
        meeting_kinds=list(MeetingKind),
        meeting_zone=user.timezone or report.zone,  # a meeting's start is typed in it
        now=datetime.now(UTC),
    )


def _chart(overview: AccountOverview) -> dict[str, list[Any]]:
    """The series of the page's charts: health score (with its band per day), usage, MRR."""
    trend = overview.health.trend if overview.health else []
    return {
        "health_days": [p.as_of.isoformat() for p in trend],
        "health": [p.score for p in trend],
        "health_bands": [p.band for p in trend],
        "days": [u.day.isoformat() for u in overview.usage],
        "events": [u.events for u in overview.usage],
        "users": [u.users for u in overview.usage],
        "mrr_days": [p.day.isoformat() for p in overview.mrr_history],
        "mrr": [p.mrr for p in overview.mrr_history],
    }
