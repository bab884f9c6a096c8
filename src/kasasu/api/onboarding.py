"""Onboarding through the API: the plan templates (list, read, store a new version), an
account's plan (read, start), its steps (tick, reopen), the board, and the customer's
success plan (goals added, changed, deleted)."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response

from kasasu.api.auth import require
from kasasu.api.context import in_transaction, keep_fresh, reporting
from kasasu.api.routing import PathId, api_router
from kasasu.domain.permissions import Action
from kasasu.kit.types import MAX_BIGINT, MAX_INTEGER
from kasasu.onboarding.meeting_schemas import (
    AttendanceIn,
    MeetingCreate,
    MeetingRead,
    MeetingUpdate,
)
from kasasu.onboarding.meetings import (
    cancel_meeting,
    list_meetings,
    record_attendance,
    reschedule_meeting,
    schedule_meeting,
)
from kasasu.onboarding.schemas import (
    FINISHED,
    BoardStatus,
    MilestoneRead,
    OnboardingBoard,
    OnboardingRead,
    OnboardingStart,
    TemplateRead,
)
from kasasu.onboarding.service import onboarding_of, reopen_step, start_onboarding, tick_step
from kasasu.onboarding.success import add_goal, delete_goal, success_plan, update_goal
from kasasu.onboarding.success_schemas import GoalCreate, GoalRead, GoalUpdate, SuccessPlan
from kasasu.onboarding.templates import (
    get_template,
    list_templates,
    save_template,
    validate_template,
)
from kasasu.workspace.onboarding import recall_onboarding_board

TemplateName = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.-]+$")]


def onboarding_router() -> APIRouter:
    router = api_router(tags=["onboarding"], dependencies=[Depends(require(Action.READ))])

    @router.get(
        "/onboarding/templates",
        response_model=list[TemplateRead],
        summary="The plan templates (latest versions), in the order they are tried",
    )
    def templates(request: Request) -> list[TemplateRead]:
        return in_transaction(request, list_templates)

    @router.get("/onboarding/templates/{name}", response_model=TemplateRead, summary="One template")
    def template(request: Request, name: TemplateName) -> TemplateRead:
        return in_transaction(request, lambda s: get_template(s, name))

    @router.post(
        "/onboarding/templates",
        response_model=TemplateRead,
        dependencies=[Depends(require(Action.DELETE))],
        summary="Store a template (a new version when it changed; plans keep theirs)",
    )
    def post_template(request: Request, body: Annotated[dict[str, Any], Body()]) -> TemplateRead:
        definition = validate_template(body, "body")
        return in_transaction(request, lambda s: save_template(s, definition))

    @router.get(
        "/onboarding/board",
        response_model=OnboardingBoard,
        summary="Every live account's plan: progress, late steps, days to first value",
        description=(
            "A page of plans (most late steps first), the total they make, the step funnel "
            "and the median days to first value by template. `status`: `open` (a step "
            "open, the default), `done` or `all`."
        ),
    )
    def board(
        request: Request,
        *,
        status: Annotated[BoardStatus, Query()] = "open",
        owner_id: Annotated[int | None, Query(ge=1, le=MAX_BIGINT)] = None,
        template: Annotated[str | None, Query(max_length=100)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_INTEGER)] = 0,
    ) -> OnboardingBoard:
        today = reporting(request).today()
        finished = FINISHED[status]
        found = in_transaction(
            request,
            lambda s: recall_onboarding_board(
                s,
                today,
                finished=finished,
                owner_id=owner_id,
                template=template,
                limit=limit,
                offset=offset,
            ),
        )
        keep_fresh(request, found)
        return found.value

    @router.get(
        "/accounts/{account_id}/onboarding",
        response_model=OnboardingRead,
        summary="The account's onboarding plan and its steps",
    )
    def plan(request: Request, account_id: PathId) -> OnboardingRead:
        return in_transaction(request, lambda s: onboarding_of(s, account_id))

    @router.post(
        "/accounts/{account_id}/onboarding",
        response_model=OnboardingRead,
        status_code=201,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Start a plan on the account (409 when it has one)",
        description=(
            "The template named, or the first that applies to the account; its steps are due "
            "from `started_on` (default: the start of the account's first contract). Each "
            "CS-team step becomes a task for the account's CSM."
        ),
    )
    def start(request: Request, account_id: PathId, body: OnboardingStart) -> OnboardingRead:
        report = reporting(request)
        return in_transaction(
            request,
            lambda s: start_onboarding(
                s, account_id, body, by=None, locale=report.locale, today=report.today()
            ),
        )

    @router.post(
        "/onboarding/steps/{step_id}/done",
        response_model=MilestoneRead,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Tick a step (its task is done too; first value moves the account to adoption)",
    )
    def tick(request: Request, step_id: PathId) -> MilestoneRead:
        return in_transaction(
            request, lambda s: tick_step(s, step_id, by=None, at=datetime.now(UTC))
        )

    @router.delete(
        "/onboarding/steps/{step_id}/done",
        response_model=MilestoneRead,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Reopen a step (and its task)",
    )
    def reopen(request: Request, step_id: PathId) -> MilestoneRead:
        return in_transaction(request, lambda s: reopen_step(s, step_id))

    _meetings(router)

    @router.get(
        "/accounts/{account_id}/success-plan",
        response_model=SuccessPlan,
        summary="The customer's objectives (導入目的), each with its goals",
    )
    def goals(request: Request, account_id: PathId) -> SuccessPlan:
        return in_transaction(request, lambda s: success_plan(s, account_id))

    @router.post(
        "/accounts/{account_id}/goals",
        response_model=GoalRead,
        status_code=201,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Add a goal to the customer's success plan",
    )
    def post_goal(request: Request, account_id: PathId, body: GoalCreate) -> GoalRead:
        return in_transaction(request, lambda s: add_goal(s, account_id, body))

    @router.patch(
        "/goals/{goal_id}",
        response_model=GoalRead,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Change a goal (its status, say)",
    )
    def patch_goal(request: Request, goal_id: PathId, body: GoalUpdate) -> GoalRead:
        return in_transaction(request, lambda s: update_goal(s, goal_id, body))

    @router.delete(
        "/goals/{goal_id}",
        status_code=204,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Delete a goal",
    )
    def remove_goal(request: Request, goal_id: PathId) -> Response:
        in_transaction(request, lambda s: delete_goal(s, goal_id))
        return Response(status_code=204)

    return router


def _meetings(router: APIRouter) -> None:
    """The plan's meetings with the customer: listed, scheduled, changed, cancelled, held."""

    @router.get(
        "/accounts/{account_id}/onboarding/meetings",
        response_model=list[MeetingRead],
        summary="The meetings on the account's plan, the earliest first",
    )
    def meetings(request: Request, account_id: PathId) -> list[MeetingRead]:
        return in_transaction(request, lambda s: list_meetings(s, account_id))

    @router.post(
        "/accounts/{account_id}/onboarding/meetings",
        response_model=MeetingRead,
        status_code=201,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Schedule a meeting with the customer's contacts (404 without a plan)",
        description=(
            "The invitees are emailed the invitation (with an .ics file) by the next run of "
            "the reminders, and a reminder before it. Its mail is in `locale`, else the "
            "plan's language, else the installation's."
        ),
    )
    def schedule(request: Request, account_id: PathId, body: MeetingCreate) -> MeetingRead:
        default = reporting(request).locale
        return in_transaction(
            request, lambda s: schedule_meeting(s, account_id, body, by=None, locale=default)
        )

    @router.patch(
        "/onboarding/meetings/{meeting_id}",
        response_model=MeetingRead,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Move or change a scheduled meeting (its invitation's SEQUENCE goes up)",
        description=(
            "A new `starts_at` asks every invitee's reply again; `contact_ids` replaces the "
            "invitees (those taken off are sent the cancellation). 409 once held or cancelled."
        ),
    )
    def change(request: Request, meeting_id: PathId, body: MeetingUpdate) -> MeetingRead:
        now = datetime.now(UTC)
        return in_transaction(request, lambda s: reschedule_meeting(s, meeting_id, body, now=now))

    @router.delete(
        "/onboarding/meetings/{meeting_id}",
        response_model=MeetingRead,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Cancel a meeting (kept, with the status cancelled; the invitees are told)",
    )
    def cancel(request: Request, meeting_id: PathId) -> MeetingRead:
        return in_transaction(request, lambda s: cancel_meeting(s, meeting_id))

    @router.post(
        "/onboarding/meetings/{meeting_id}/attendance",
        response_model=MeetingRead,
        dependencies=[Depends(require(Action.WRITE))],
        summary="Record who attended a meeting that has started (logged on the timeline)",
    )
    def attendance(request: Request, meeting_id: PathId, body: AttendanceIn) -> MeetingRead:
        locale, now = reporting(request).locale, datetime.now(UTC)
        return in_transaction(
            request,
            lambda s: record_attendance(s, meeting_id, body, by=None, locale=locale, now=now),
        )
