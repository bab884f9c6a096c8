"""Survey campaigns in the workspace: the list with each one's results (NPS with its
interval, answers, response rate) and, for leaders and admins, a form to create one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from kasasu.domain.choices import SurveyKind
from kasasu.domain.dates import parse_date, today_in
from kasasu.domain.permissions import Action, can
from kasasu.errors import FieldError, InvalidInput, KasasuError
from kasasu.segments.service import list_segments
from kasasu.surveys.campaign_schemas import CampaignCreate
from kasasu.surveys.campaigns import (
    create_campaign,
    remind_campaign,
    schedule_campaign,
    send_campaign,
    validate_campaign,
    widget_setup,
)
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.preview import send_preview
from kasasu.surveys.results import campaign_results, campaigns_with_results
from kasasu.users.schemas import UserRead
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, keep_fresh, web_context
from kasasu.web.render import Pages, PagesDep, ReportingDep
from kasasu.workspace.listening import recall_comment_terms


def _overview(session: Session) -> dict[str, Any]:
    return {"campaigns": campaigns_with_results(session), "segments": list_segments(session)}


def _campaign_results(session: Session, name: str, zone: str) -> dict[str, Any]:
    """The campaign's results and, for NPS, the key terms of its detractors and promoters."""
    results = campaign_results(session, name)
    kind = results.campaign.kind
    if kind is SurveyKind.CES:  # CES has no detractors and promoters to compare
        return {"results": results, "terms": None, "overall": None, "recalled": []}
    terms = recall_comment_terms(session, kind=kind.value, zone=zone, campaign=name)
    # A campaign just sent has few comments yet: the year's answers say more.
    year_ago = today_in(zone) - timedelta(days=365)
    overall = recall_comment_terms(session, kind=kind.value, zone=zone, first=year_ago)
    return {
        "results": results,
        "terms": terms.value,
        "overall": overall.value,
        "recalled": [terms, overall],
    }


class CampaignForm(BaseModel):
    """The campaign form's fields as typed (the text ones stripped by ``shown``)."""

    name: str = ""
    kind: str = "nps"
    segment: str = ""
    contacts: str = ""
    question_ja: str = ""
    question_en: str = ""
    throttle_days: str = ""
    channel_page: str = ""
    channel_widget: str = ""

    def shown(self) -> dict[str, str]:
        """The fields as the form shows them again after an error."""
        checks = {"channel_page", "channel_widget"}
        return {k: v if k in checks else v.strip() for k, v in self.model_dump().items()}


def _campaign(form: dict[str, str]) -> CampaignCreate:
    contacts: list[int | str] = [
        int(v) if v.isdigit() else v for v in form["contacts"].replace(",", " ").split()
    ]
    values = {
        "name": form["name"],
        "kind": form["kind"],
        "segment": form["segment"] or None,
        "contacts": contacts,
        "question_ja": form["question_ja"] or None,
        "question_en": form["question_en"] or None,
        "channel_page": form["channel_page"] == "on",
        "channel_widget": form["channel_widget"] == "on",
        "throttle_days": form["throttle_days"] or None,
    }
    return validate_campaign(values, "form")


router = APIRouter(include_in_schema=False)


def list_page(
    request: Request, pages: Pages, user: UserRead, status: int = 200, **values: Any
) -> HTMLResponse:
    data = in_transaction(request, _overview)
    return pages.render(
        request,
        "surveys.html",
        status,
        user=user,
        kinds=list(SurveyKind),
        can_edit=can(user.role, Action.DELETE),
        **data,
        **values,
    )


@router.get("/surveys", response_class=HTMLResponse)
def surveys_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    return list_page(request, pages, user, form={})


@router.get("/surveys/{name}", response_class=HTMLResponse)
def campaign_page(
    request: Request,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    name: str,
    sent: int | None = None,
    failed: int = 0,
    reminded: int | None = None,
) -> HTMLResponse:
    config, leader = web_context(request).surveys, can(user.role, Action.DELETE)

    def load(session: Session) -> dict[str, Any]:
        data = _campaign_results(session, name, report.zone)
        if data["results"].campaign.channel_widget and config is not None:
            data["widget"] = widget_setup(session, name, config, with_key=leader)
        return data

    data = in_transaction(request, load)
    keep_fresh(request, *data.pop("recalled"))
    done = {"sent": sent, "failed": failed, "reminded": reminded}
    return pages.render(
        request, "survey_campaign.html", user=user, can_send=leader, done=done, **data
    )


def _day(text: str) -> date | None:
    """The day typed in the schedule form (empty: none); a mistake names the field."""
    try:
        return parse_date(text) if text.strip() else None
    except InvalidInput as error:
        raise InvalidInput(error.message, [FieldError(("day",), error.message, text)]) from error


def _config(request: Request) -> SurveyConfig:
    config = web_context(request).surveys
    if config is None:  # pragma: no cover - create_app always sets it
        raise RuntimeError("surveys are not configured")
    return config


@router.get("/surveys/{name}/send", response_class=HTMLResponse)
def send_page(request: Request, user: CurrentUser, pages: PagesDep, name: str) -> HTMLResponse:
    """Who would get the invitation, who the throttle skips, and the email as it will read."""
    require(user, Action.DELETE)
    return _send_view(request, user, pages, name)


def _send_view(
    request: Request, user: UserRead, pages: Pages, name: str, status: int = 200, **form: Any
) -> HTMLResponse:
    config, now = _config(request), datetime.now(UTC)
    preview = in_transaction(request, lambda s: send_preview(s, name, config, now), write=False)
    return pages.render(request, "survey_send.html", status, user=user, preview=preview, **form)


@router.post("/surveys/{name}/schedule", dependencies=[Depends(check_csrf)])
def schedule(
    request: Request,
    name: str,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    day: Annotated[str, Form()] = "",
) -> Response:
    """The day the daily refresh sends this draft (empty: no schedule); errors inline."""
    require(user, Action.DELETE)
    try:
        chosen = _day(day)
        in_transaction(request, lambda s: schedule_campaign(s, name, chosen, report.today()))
    except InvalidInput as error:
        return _send_view(request, user, pages, name, 422, schedule_error=error, day=day)
    return RedirectResponse(f"/surveys/{quote(name)}/send", status_code=303)


@router.post("/surveys/{name}/send", dependencies=[Depends(check_csrf)])
def send(request: Request, user: CurrentUser, name: str) -> Response:
    """Email every invitation not sent yet, each once; each email is committed as it goes."""
    return _deliver(request, user, name, send_campaign, "sent")


@router.post("/surveys/{name}/remind", dependencies=[Depends(check_csrf)])
def remind(request: Request, user: CurrentUser, name: str) -> Response:
    """One reminder to each invitee who has not answered (never a second)."""
    return _deliver(request, user, name, remind_campaign, "reminded")


def _deliver(
    request: Request, user: UserRead, name: str, deliver: Callable[..., Any], counted: str
) -> Response:
    """Send or remind now (leaders and admins), then say on the campaign's page how many."""
    require(user, Action.DELETE)
    config, now = _config(request), datetime.now(UTC)
    outcome = in_transaction(request, lambda s: deliver(s, name, config, now, checkpoint=s.commit))
    query = urlencode({counted: getattr(outcome, counted), "failed": outcome.failed})
    return RedirectResponse(f"/surveys/{quote(name)}?{query}", status_code=303)


@router.post("/surveys", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def store_campaign(
    request: Request, user: CurrentUser, pages: PagesDep, fields: Annotated[CampaignForm, Form()]
) -> Response:
    require(user, Action.DELETE)  # leaders and admins start campaigns
    form = fields.shown()
    config = _config(request)
    try:
        data = _campaign(form)
        in_transaction(request, lambda s: create_campaign(s, data, config))
    except KasasuError as error:
        return list_page(request, pages, user, 422, form=form, error=error)
    return RedirectResponse(f"/surveys/{quote(data.name)}/send", status_code=303)
