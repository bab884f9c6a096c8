"""Survey campaigns in the workspace: the list with each one's results (NPS with its
interval, answers, response rate) and, for leaders and admins, a form to create one."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.domain.choices import SurveyKind
from kasasu.domain.dates import today_in
from kasasu.domain.permissions import Action, can
from kasasu.errors import KasasuError
from kasasu.segments.service import list_segments
from kasasu.surveys.campaign_schemas import CampaignCreate
from kasasu.surveys.campaigns import create_campaign, validate_campaign, widget_setup
from kasasu.surveys.results import campaign_results, campaigns_with_results
from kasasu.users.schemas import UserRead
from kasasu.voice.service import comment_terms
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import Pages


def _overview(session: Session) -> dict[str, Any]:
    return {"campaigns": campaigns_with_results(session), "segments": list_segments(session)}


def _campaign_results(session: Session, name: str, zone: str) -> dict[str, Any]:
    """The campaign's results and, for NPS, the key terms of its detractors and promoters."""
    results = campaign_results(session, name)
    kind = results.campaign.kind
    terms = overall = None
    if kind is not SurveyKind.CES:  # CES has no detractors and promoters to compare
        terms = comment_terms(session, kind=kind.value, zone=zone, campaign=results.campaign.name)
        # A campaign just sent has few comments yet: the year's answers say more.
        year_ago = today_in(zone) - timedelta(days=365)
        overall = comment_terms(session, kind=kind.value, zone=zone, first=year_ago)
    return {"results": results, "terms": terms, "overall": overall}


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


def surveys_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    def list_page(
        request: Request, user: UserRead, status: int = 200, **values: Any
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
    def surveys_page(request: Request, user: CurrentUser) -> HTMLResponse:
        return list_page(request, user, form={})

    @router.get("/surveys/{name}", response_class=HTMLResponse)
    def campaign_page(request: Request, user: CurrentUser, name: str) -> HTMLResponse:
        ctx = web_context(request)
        data = in_transaction(request, lambda s: _campaign_results(s, name, ctx.timezone))
        if data["results"].campaign.channel_widget and ctx.surveys is not None:
            config, leader = ctx.surveys, can(user.role, Action.DELETE)
            data["widget"] = in_transaction(
                request, lambda s: widget_setup(s, name, config, with_key=leader)
            )
        return pages.render(request, "survey_campaign.html", user=user, **data)

    @router.post("/surveys", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
    def store_campaign(  # noqa: PLR0917 - one parameter per form field
        request: Request,
        user: CurrentUser,
        name: Annotated[str, Form()] = "",
        kind: Annotated[str, Form()] = "nps",
        segment: Annotated[str, Form()] = "",
        contacts: Annotated[str, Form()] = "",
        question_ja: Annotated[str, Form()] = "",
        question_en: Annotated[str, Form()] = "",
        throttle_days: Annotated[str, Form()] = "",
        channel_page: Annotated[str, Form()] = "",
        channel_widget: Annotated[str, Form()] = "",
    ) -> Response:
        require(user, Action.DELETE)  # leaders and admins start campaigns
        fields = (name, kind, segment, contacts, question_ja, question_en, throttle_days)
        keys = (
            "name",
            "kind",
            "segment",
            "contacts",
            "question_ja",
            "question_en",
            "throttle_days",
        )
        form = dict(zip(keys, (v.strip() for v in fields), strict=True))
        form |= {"channel_page": channel_page, "channel_widget": channel_widget}
        config = web_context(request).surveys
        try:
            data = _campaign(form)
            if config is None:  # pragma: no cover - create_app always sets it
                raise RuntimeError("surveys are not configured")
            in_transaction(request, lambda s: create_campaign(s, data, config))
        except KasasuError as error:
            return list_page(request, user, 422, form=form, error=error)
        return RedirectResponse("/surveys", status_code=303)

    return router
