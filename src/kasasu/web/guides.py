"""In-app guides in the workspace: the list, the editor (steps whose elements are picked on
the product's own page, targeting, caps, schedule), a preview as a given user, publishing,
and each guide's report. The editor builds the same definition the API and YAML take, so
one set of rules checks all three."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.domain.choices import GuideKind, LifecycleStage, TouchModel
from kasasu.domain.permissions import Action, can
from kasasu.errors import InvalidInput
from kasasu.guides.authoring import (
    create_guide,
    get_guide,
    list_guides,
    publish,
    save_draft,
    set_paused,
)
from kasasu.guides.preview import preview_as
from kasasu.guides.report import guide_report, reach_by_guide
from kasasu.guides.schemas import GuideDefinition, GuideRead
from kasasu.guides.service import list_environments
from kasasu.segments.service import list_segments
from kasasu.surveys.campaigns import list_campaigns
from kasasu.users.schemas import UserRead
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction
from kasasu.web.guide_form import GuideForm, blank_step, form_errors, form_of
from kasasu.web.render import Pages, PagesDep, ReportingDep, request_locale

router = APIRouter(include_in_schema=False)


@router.get("/guides", response_class=HTMLResponse)
def guides_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    def load(session: Session) -> dict[str, Any]:
        return {"guides": list_guides(session), "reach": reach_by_guide(session)}

    loaded = in_transaction(request, load)
    can_edit = can(user.role, Action.WRITE)
    return pages.render(request, "guides.html", user=user, can_edit=can_edit, **loaded)


@router.get("/guides/new", response_class=HTMLResponse)
def new_guide(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    return _editor(request, pages, user, guide=None, form=GuideForm().with_steps([blank_step()]))


@router.get("/guides/{key}", response_class=HTMLResponse)
def guide_page(
    request: Request, key: str, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    guide = in_transaction(request, lambda s: get_guide(s, key))
    return _editor(request, pages, user, guide=guide, form=form_of(guide, report.zone))


@router.post("/guides", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def save_guide(
    request: Request,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    form: Annotated[GuideForm, Form()],
) -> Response:
    """Save the draft (a new guide from its key), publish it, or add and remove step rows."""
    require(user, Action.WRITE)
    shown = _shown(request, form.existing)
    if form.action == "add_step" or form.action.startswith("remove_"):
        steps = form.steps()
        index = form.action.removeprefix("remove_")
        if form.action == "add_step":
            steps.append(blank_step())
        elif index.isdigit() and int(index) < len(steps):
            del steps[int(index)]
        return _editor(request, pages, user, guide=shown, form=form.with_steps(steps))
    try:
        definition = form.definition(report.zone)
        # One transaction: a guide that cannot be published is not saved either.
        stored = in_transaction(request, lambda s: _store(s, form, definition, user.id))
    except (InvalidInput, ValidationError) as error:
        errors = form_errors(error, request_locale(request))
        return _editor(request, pages, user, 422, guide=shown, form=form, errors=errors)
    return RedirectResponse(f"/guides/{stored.key}", status_code=303)


@router.post("/guides/{key}/pause", dependencies=[Depends(check_csrf)])
def pause(
    request: Request, key: str, user: CurrentUser, paused: Annotated[str, Form()] = "1"
) -> Response:
    require(user, Action.WRITE)
    in_transaction(request, lambda s: set_paused(s, key, paused=paused == "1", now=_now()))
    return RedirectResponse(f"/guides/{key}", status_code=303)


@router.get("/guides/{key}/preview", response_class=HTMLResponse)
def preview(
    request: Request, key: str, user: CurrentUser, pages: PagesDep, report: ReportingDep
) -> HTMLResponse:
    asked = request.query_params
    account, person, page = asked.get("account", ""), asked.get("user", ""), asked.get("url", "/")
    role = asked.get("role", "")[:200] or None
    guide = in_transaction(request, lambda s: get_guide(s, key))
    outcome = None
    if account and person:
        outcome = in_transaction(
            request,
            lambda s: preview_as(
                s,
                key,
                (account[:200], person[:200], role),
                page[:2000],
                now=_now(),
                locale=request_locale(request),
            ),
        )
    return _editor(
        request,
        pages,
        user,
        guide=guide,
        form=form_of(guide, report.zone),
        preview={
            "account": account,
            "user": person,
            "role": role or "",
            "url": page,
            "outcome": outcome,
        },
    )


@router.get("/guides/{key}/report", response_class=HTMLResponse)
def report_page(request: Request, key: str, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    locale = request_locale(request)
    found = in_transaction(request, lambda s: guide_report(s, key, _now(), locale))
    guide = in_transaction(request, lambda s: get_guide(s, key))
    return pages.render(request, "guide_report.html", user=user, report=found, guide=guide)


def _now() -> datetime:
    return datetime.now(UTC)


def _store(session: Session, form: GuideForm, definition: GuideDefinition, by: int) -> GuideRead:
    if form.existing:
        saved = save_draft(session, form.existing, definition, name=form.name or None)
    else:
        saved = create_guide(session, form.new_guide(definition))
    if form.action == "publish":
        return publish(session, saved.key, by=by, now=_now())
    return saved


def _shown(request: Request, key: str) -> GuideRead | None:
    return in_transaction(request, lambda s: get_guide(s, key)) if key else None


def _editor(
    request: Request,
    pages: Pages,
    user: UserRead,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    def load(session: Session) -> dict[str, Any]:
        return {
            "environments": list_environments(session),
            "segment_names": [s.name for s in list_segments(session)],
            "campaigns": [c.name for c in list_campaigns(session) if c.channel_widget],
        }

    return pages.render(
        request,
        "guide.html",
        status,
        user=user,
        kinds=list(GuideKind),
        touch_models=list(TouchModel),
        stages=list(LifecycleStage),
        can_edit=can(user.role, Action.WRITE),
        errors=values.pop("errors", {}),
        **values,
        **in_transaction(request, load),
    )
