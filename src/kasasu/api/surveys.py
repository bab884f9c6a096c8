"""Survey campaigns through the API: list, create, send (or a dry run), remind, results."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request

from kasasu.api.auth import current_key, require
from kasasu.api.context import context, in_transaction
from kasasu.api.routing import api_router
from kasasu.domain.permissions import Action, can
from kasasu.surveys.campaign_schemas import (
    CampaignCreate,
    CampaignRead,
    CampaignResults,
    RemindOutcome,
    SendOutcome,
    WidgetSetup,
)
from kasasu.surveys.campaigns import (
    create_campaign,
    list_campaigns,
    remind_campaign,
    send_campaign,
    widget_setup,
)
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.results import campaign_results
from kasasu.users.schemas import ApiKeyRead


def survey_config(request: Request) -> SurveyConfig:
    config = context(request).surveys
    if config is None:  # pragma: no cover - create_app always sets it
        raise RuntimeError("surveys are not configured")
    return config


def surveys_router() -> APIRouter:
    router = api_router(
        prefix="/surveys/campaigns",
        tags=["surveys"],
        dependencies=[Depends(require(Action.READ))],
    )
    leaders = [Depends(require(Action.DELETE))]

    @router.get("", response_model=list[CampaignRead], summary="Survey campaigns, newest first")
    def campaigns(request: Request) -> list[CampaignRead]:
        return in_transaction(request, list_campaigns)

    @router.post(
        "",
        response_model=CampaignRead,
        status_code=201,
        dependencies=leaders,
        summary="Create a campaign for a segment or a list of contacts",
    )
    def create(request: Request, body: CampaignCreate) -> CampaignRead:
        config = survey_config(request)
        return in_transaction(request, lambda s: create_campaign(s, body, config))

    @router.post(
        "/{name}/send",
        response_model=SendOutcome,
        dependencies=leaders,
        summary="Email the invitations not sent yet (throttled; each once)",
    )
    def send(request: Request, name: str, dry_run: bool = False) -> SendOutcome:
        config, now = survey_config(request), datetime.now(UTC)
        return in_transaction(
            request,
            lambda s: send_campaign(s, name, config, now, dry_run=dry_run, checkpoint=s.commit),
        )

    @router.post(
        "/{name}/remind",
        response_model=RemindOutcome,
        dependencies=leaders,
        summary="One reminder to each invitee who has not answered",
    )
    def remind(request: Request, name: str) -> RemindOutcome:
        config, now = survey_config(request), datetime.now(UTC)
        return in_transaction(
            request, lambda s: remind_campaign(s, name, config, now, checkpoint=s.commit)
        )

    @router.get(
        "/{name}/widget",
        response_model=WidgetSetup,
        summary="The widget's snippet and how to sign a contact (the key: leaders and admins)",
    )
    def widget(
        request: Request, name: str, key: Annotated[ApiKeyRead, Depends(current_key)]
    ) -> WidgetSetup:
        config, with_key = survey_config(request), can(key.role, Action.DELETE)
        return in_transaction(request, lambda s: widget_setup(s, name, config, with_key=with_key))

    @router.get(
        "/{name}/results",
        response_model=CampaignResults,
        summary="NPS with its 95% interval, CSAT, CES, answers and response rate, by plan",
    )
    def results(request: Request, name: str) -> CampaignResults:
        return in_transaction(request, lambda s: campaign_results(s, name))

    return router
