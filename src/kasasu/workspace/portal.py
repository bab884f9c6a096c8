"""The customer portal's read models: what one signed-in contact's company sees. Every
function takes the viewer's account from the session (``PortalViewer``), never from the
request, so a contact can only ever read their own company."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.domain.choices import NeedStatus
from kasasu.kit.paging import Page
from kasasu.kit.types import INPUT_CONFIG, local_text
from kasasu.needs.requests import feedback, requests_of_account
from kasasu.onboarding.schemas import CustomerAgenda
from kasasu.onboarding.service import customer_agenda, plan_of
from kasasu.onboarding.success import success_plan
from kasasu.onboarding.success_schemas import SuccessPlan
from kasasu.portal.announcements import announcements_for
from kasasu.portal.schemas import AnnouncementShown, PortalViewer
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.invited import OpenInvitation, open_invitations

# Requests still being decided or worked on; shipped and declined ones are closed.
OPEN_REQUESTS = (NeedStatus.NEW, NeedStatus.PLANNED, NeedStatus.IN_PROGRESS)
HOME_ANNOUNCEMENTS = 3


class PlanProgress(BaseModel):
    title: str | None = Field(description="The onboarding plan's template title")
    steps: int = Field(description="Every step of the plan, the team's and the customer's")
    done: int
    first_value_at: datetime | None


class PortalHome(BaseModel):
    viewer: PortalViewer
    plan: PlanProgress | None = Field(description="None: the company has no onboarding plan")
    agenda: CustomerAgenda = Field(description="The customer's open steps and meetings")
    success: SuccessPlan
    announcements: list[AnnouncementShown]
    open_requests: int
    surveys: list[OpenInvitation]


def portal_home(
    session: Session,
    viewer: PortalViewer,
    surveys: SurveyConfig,
    *,
    locale: str,
    zone: str,
    now: datetime,
) -> PortalHome:
    account_id = viewer.account_id
    plan = plan_of(session, account_id)
    progress = None
    if plan is not None:
        progress = PlanProgress(
            title=local_text(plan.title, locale) or None,
            steps=len(plan.steps),
            done=sum(1 for s in plan.steps if s.done_at is not None),
            first_value_at=plan.first_value_at,
        )
    return PortalHome(
        viewer=viewer,
        plan=progress,
        agenda=customer_agenda(session, account_id, now, zone=zone, locale=locale),
        success=success_plan(session, account_id),
        announcements=announcements_for(session, account_id, locale, now, HOME_ANNOUNCEMENTS),
        open_requests=sum(
            feedback.count(session, {"account_id": account_id, "status": s}) for s in OPEN_REQUESTS
        ),
        surveys=open_invitations(session, surveys, viewer.contact_id, locale, now),
    )


class RequestShown(BaseModel):
    """A request as the customer sees it: what they asked and where it stands."""

    id: int
    title: str
    body: str | None
    status: NeedStatus
    created_at: datetime


class RequestFilter(BaseModel):
    model_config = INPUT_CONFIG
    show: Literal["open", "closed", "all"] = Field(
        default="open", description="open: new, planned or in progress; closed: the others"
    )
    cursor: str | None = Field(default=None, max_length=500)
    limit: int = Field(default=50, ge=1, le=200)

    def statuses(self) -> tuple[NeedStatus, ...]:
        if self.show == "open":
            return OPEN_REQUESTS
        if self.show == "closed":
            return tuple(s for s in NeedStatus if s not in OPEN_REQUESTS)
        return tuple(NeedStatus)


def portal_requests(
    session: Session, viewer: PortalViewer, asked: RequestFilter
) -> Page[RequestShown]:
    """The company's requests, newest first, a page at a time."""
    page = requests_of_account(session, viewer.account_id, asked.statuses(),
                               cursor=asked.cursor, limit=asked.limit)  # fmt: skip
    return Page(
        [RequestShown.model_validate(r.model_dump()) for r in page.items],
        page.next_cursor,
        page.prev_cursor,
    )


def portal_surveys(
    session: Session, viewer: PortalViewer, surveys: SurveyConfig, locale: str, now: datetime
) -> list[OpenInvitation]:
    return open_invitations(session, surveys, viewer.contact_id, locale, now)
