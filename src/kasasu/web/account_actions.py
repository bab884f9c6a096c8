"""What the account page's action bar does: log an activity (with whom, and a next step),
create a task for the account's CSM, start a playbook on the account, and record a request
heard from it (from a ticket, an answer or an activity too)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, BeforeValidator, Field, ValidationError
from sqlalchemy.orm import Session

from kasasu.accounts.service import accounts
from kasasu.activities.schemas import ActivityCreate
from kasasu.activities.service import activities
from kasasu.domain.choices import ActivityKind, Priority, SurveyKind, TaskSource
from kasasu.domain.permissions import Action
from kasasu.domain.reporting import Reporting
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _
from kasasu.kit.types import RowId, blank_is_none, is_row_id
from kasasu.playbooks.manual import start_on_account
from kasasu.tasks.schemas import TaskCreate
from kasasu.tasks.service import tasks
from kasasu.users.schemas import UserRead
from kasasu.web.accounts import render_account
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, playbook_config, web_context
from kasasu.web.forms import field_errors
from kasasu.web.render import Pages, PagesDep, ReportingDep, request_locale
from kasasu.workspace.outreach import EmailToContact, email_contact, invite_to_survey, mark_left
from kasasu.workspace.requests import RequestEntry, record_request

router = APIRouter(include_in_schema=False)


class NewTask(BaseModel):
    title: str = Field(min_length=1, max_length=500)
    due_date: Annotated[date | None, BeforeValidator(blank_is_none)] = None
    due_in: Annotated[
        Annotated[int, Field(ge=0, le=366)] | None, BeforeValidator(blank_is_none)
    ] = None
    owner_id: Annotated[RowId | None, BeforeValidator(blank_is_none)] = None
    priority: Priority = Priority.NORMAL


class NewNote(BaseModel):
    body: str = Field(min_length=1, max_length=20_000)
    kind: ActivityKind = ActivityKind.NOTE
    contact_id: Annotated[RowId | None, BeforeValidator(blank_is_none)] = None
    next_step: Annotated[date | None, BeforeValidator(blank_is_none)] = None


class TypedNote(BaseModel):
    """The note form as typed: checked by NewNote, shown again with its mistakes."""

    body: str = ""
    kind: str = ActivityKind.NOTE.value
    contact_id: str = ""
    next_step: str = ""


class TypedTask(BaseModel):
    title: str = ""
    due_date: str = ""
    due_in: str = ""
    owner_id: str = ""
    priority: str = Priority.NORMAL.value


@router.post("/accounts/{account_id}/notes", dependencies=[Depends(check_csrf)])
def log_note(
    request: Request,
    account_id: int,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    typed: Annotated[TypedNote, Form()],
) -> Response:
    """Log a note, call, meeting or email, with whom; a next-step date adds a task for the
    account's CSM, due that day. Mistakes show next to their fields."""
    require(user, Action.WRITE)
    try:
        form = NewNote.model_validate(typed.model_dump())
        if not form.body.strip():
            reason = _("Write something to log")
            raise InvalidInput(reason, [FieldError(("body",), reason, form.body)])
    except (ValidationError, InvalidInput) as error:
        return _again(
            request, account_id, user, pages, report, form="note", typed=typed, error=error
        )
    text = form.body.strip()
    subject = text.splitlines()[0][:200]
    note = ActivityCreate(
        account_id=account_id,
        contact_id=form.contact_id,
        user_id=user.id,
        kind=form.kind,
        subject=subject,
        body=text,
        occurred_at=datetime.now(UTC),
    )

    def log(session: Session) -> None:
        activities.create(session, note)
        if form.next_step is not None:
            owner = accounts.get(session, account_id).owner_id or user.id
            step = _("Next step: {subject}", subject=subject).render(request_locale(request))
            tasks.create(session, _task(account_id, owner, step[:500], form.next_step))

    in_transaction(request, log)
    return RedirectResponse(f"/accounts/{account_id}#timeline", status_code=303)


@router.post("/accounts/{account_id}/tasks", dependencies=[Depends(check_csrf)])
def create_task(
    request: Request,
    account_id: int,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    typed: Annotated[TypedTask, Form()],
) -> Response:
    """A task for the CSM chosen (the account's by default), due on the day given or in
    the preset number of days. Mistakes show next to their fields."""
    require(user, Action.WRITE)
    try:
        form = NewTask.model_validate(typed.model_dump())
        if not form.title.strip():
            reason = _("Give the task a title")
            raise InvalidInput(reason, [FieldError(("title",), reason, form.title)])
    except (ValidationError, InvalidInput) as error:
        return _again(
            request, account_id, user, pages, report, form="task", typed=typed, error=error
        )
    due = form.due_date or (
        report.today() + timedelta(days=form.due_in) if form.due_in is not None else None
    )

    def create(session: Session) -> None:
        owner = form.owner_id or accounts.get(session, account_id).owner_id or user.id
        task = _task(account_id, owner, form.title.strip(), due, form.priority)
        tasks.create(session, task)

    in_transaction(request, create)
    return RedirectResponse(f"/accounts/{account_id}#tasks", status_code=303)


def _again(
    request: Request,
    account_id: int,
    user: UserRead,
    pages: Pages,
    report: Reporting,
    *,
    form: str,
    typed: BaseModel,
    error: ValidationError | InvalidInput,
) -> Response:
    """The account page again, the form ``form`` as typed with its mistakes (422)."""
    mistakes = {
        f"{form}_form": typed.model_dump(),
        f"{form}_errors": field_errors(error, report.locale),
    }
    return render_account(request, account_id, user, pages, report, status=422, **mistakes)


def _task(
    account_id: int,
    owner_id: int,
    title: str,
    due: date | None,
    priority: Priority = Priority.NORMAL,
) -> TaskCreate:
    return TaskCreate(
        account_id=account_id,
        owner_id=owner_id,
        title=title,
        due_date=due,
        priority=priority,
        source=TaskSource.MANUAL,
    )


@router.post("/accounts/{account_id}/playbooks", dependencies=[Depends(check_csrf)])
def start_playbook(
    request: Request,
    account_id: int,
    user: CurrentUser,
    report: ReportingDep,
    playbook: Annotated[str, Form(min_length=1, max_length=100)],
) -> Response:
    """Start a playbook on this account now (kasasu.playbooks.manual): its tasks appear at
    once; its emails and webhooks go with the next run of the playbooks."""
    require(user, Action.WRITE)
    config = playbook_config(request, report)
    started = in_transaction(
        request,
        lambda s: start_on_account(
            s, report.today(), config, playbook, account_id, started_by=user.name
        ),
    )
    target = f"/accounts/{account_id}?started={started.run_id}&waiting={started.waiting}"
    return RedirectResponse(f"{target}#playbook-runs", status_code=303)


class TypedRequest(BaseModel):
    title: str = ""
    body: str = ""
    source: str = ""
    need: str = ""


@router.post("/accounts/{account_id}/requests", dependencies=[Depends(check_csrf)])
def add_request(
    request: Request,
    account_id: int,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    typed: Annotated[TypedRequest, Form()],
) -> Response:
    """A request heard from the account, with where it was heard, joined to a need (an
    existing one or a new one named after it). Mistakes show next to their fields."""
    require(user, Action.WRITE)
    try:
        entry = RequestEntry.model_validate(typed.model_dump())
        in_transaction(request, lambda s: record_request(s, account_id, entry))
    except (ValidationError, InvalidInput) as error:
        return _again(
            request, account_id, user, pages, report, form="request", typed=typed, error=error
        )
    return RedirectResponse(f"/accounts/{account_id}#requests", status_code=303)


class TypedEmail(BaseModel):
    contact_id: str = ""
    subject: str = ""
    body: str = ""


@router.post("/accounts/{account_id}/emails", dependencies=[Depends(check_csrf)])
def send_account_email(
    request: Request,
    account_id: int,
    *,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    typed: Annotated[TypedEmail, Form()],
) -> Response:
    """An email to one of the account's people, sent through the mail backend and logged
    on its timeline; a mistake or a failed send shows next to the form."""
    require(user, Action.WRITE)
    config = web_context(request).surveys
    try:
        if config is None:
            raise InvalidInput(_("Email is not set up on this server (KASASU_MAIL__*)"))
        mail = config.mail
        email = EmailToContact.model_validate(typed.model_dump())
        in_transaction(
            request,
            lambda s: email_contact(
                s, account_id, email, user_id=user.id, mail=mail, locale=request_locale(request)
            ),
        )
    except (ValidationError, InvalidInput) as error:
        return _again(
            request, account_id, user, pages, report, form="email", typed=typed, error=error
        )
    return RedirectResponse(f"/accounts/{account_id}?emailed=1#timeline", status_code=303)


@router.post("/accounts/{account_id}/survey-invitations", dependencies=[Depends(check_csrf)])
async def invite(request: Request, account_id: int, user: CurrentUser) -> Response:
    """The contacts ticked, invited to the next campaign of the kind chosen."""
    require(user, Action.WRITE)
    posted = await request.form()
    asked = str(posted.get("kind") or "")
    kind = SurveyKind(asked) if asked in {k.value for k in SurveyKind} else SurveyKind.NPS
    chosen = [int(str(v)) for v in posted.getlist("contact_ids") if is_row_id(str(v))]
    made = in_transaction(
        request, lambda s: invite_to_survey(s, account_id, chosen, kind, by=user.email)
    )
    return RedirectResponse(
        f"/accounts/{account_id}?invited={made}&kind={kind.value}#contacts", status_code=303
    )


@router.post(
    "/accounts/{account_id}/contacts/{contact_id}/left", dependencies=[Depends(check_csrf)]
)
def contact_left(
    request: Request, account_id: int, contact_id: int, user: CurrentUser, report: ReportingDep
) -> Response:
    require(user, Action.WRITE)
    in_transaction(request, lambda s: mark_left(s, account_id, contact_id, report.today()))
    return RedirectResponse(f"/accounts/{account_id}#contacts", status_code=303)
