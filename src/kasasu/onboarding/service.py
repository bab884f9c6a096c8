"""Onboarding plans: started on an account from a template, worked step by step (ticked
and reopened by people, ticked by a usage event or by the step's task being done), moving
the account to adoption at first value."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountUpdate
from kasasu.accounts.service import accounts
from kasasu.db.service import CrudService
from kasasu.domain.choices import (
    LifecycleStage,
    MeetingStatus,
    StepSide,
    TaskSource,
    TaskStatus,
)
from kasasu.errors import Conflict, NotFound
from kasasu.events.service import first_occurrences
from kasasu.kit.i18n import _
from kasasu.kit.types import local_text
from kasasu.models import Milestone, Onboarding
from kasasu.onboarding.meeting_repository import MeetingRepository
from kasasu.onboarding.repository import MilestoneRepository, OnboardingRepository
from kasasu.onboarding.schemas import (
    AgendaMeeting,
    AgendaStep,
    CustomerAgenda,
    MilestoneCreate,
    MilestoneRead,
    OnboardingRead,
    OnboardingStart,
    StepState,
    TemplateDefinition,
)
from kasasu.onboarding.template_repository import TemplateRepository
from kasasu.onboarding.templates import (
    ensure_shipped_templates,
    latest_version,
    stored_steps,
    stored_text,
    template_for,
)
from kasasu.subscriptions.service import first_start
from kasasu.tasks.schemas import TaskCreate, TaskRead, TaskUpdate
from kasasu.tasks.service import tasks


class MilestoneService(CrudService[Milestone, MilestoneCreate, MilestoneCreate, MilestoneRead]):
    repository = MilestoneRepository
    read_schema = MilestoneRead
    noun = _("Milestone")
    external_id_prefix = "ms"


milestones = MilestoneService()


def start_onboarding(
    session: Session,
    account_id: int,
    data: OnboardingStart,
    *,
    by: int | None,
    locale: str,
    today: date,
) -> OnboardingRead:
    """Start a plan on the account: its steps become milestones due from the start day,
    and each CS-side step a task for the account's CSM. Refused while it has a plan."""
    account = accounts.get(session, account_id)
    ensure_shipped_templates(session)  # a new installation starts from the shipped ones
    if OnboardingRepository(session).of_account(account_id) is not None:
        raise Conflict(_("{name} already has an onboarding plan", name=account.name))
    if data.template is not None:
        version = latest_version(session, data.template)
    else:
        found = template_for(session, account)
        if found is None:
            raise NotFound(_("No onboarding template applies to {name}", name=account.name))
        version = found
    started = data.started_on or first_start(session, account_id) or today
    template = TemplateDefinition.model_validate(version.definition)
    plan_name = local_text(template.title, locale)
    plan = OnboardingRepository(session).add(
        Onboarding(
            account_id=account_id,
            template_version_id=version.id,
            started_on=started,
            assigned_by=by,
        )
    )
    for position, (stage, step) in enumerate(template.steps()):
        title = local_text(step.title, locale)
        due = started + timedelta(days=step.due_days)
        task_id = None
        if step.side is StepSide.CS:
            task_id = tasks.create(
                session,
                TaskCreate(
                    account_id=account_id,
                    owner_id=account.owner_id,
                    title=_("Onboarding: {step}", step=title).render(locale),
                    due_date=due,
                    source=TaskSource.ONBOARDING,
                ),
            ).id
        session.add(
            Milestone(
                external_id=f"onboarding-{plan.id}-{step.key}",
                account_id=account_id,
                plan=plan_name,
                name=title,
                position=position,
                is_first_value=step.first_value,
                due_date=due,
                onboarding_id=plan.id,
                step_key=step.key,
                stage=local_text(stage.title, locale),
                side=step.side,
                completion_event=step.completion_event,
                task_id=task_id,
            )
        )
    session.flush()
    return onboarding_of(session, account_id)


def onboarding_of(session: Session, account_id: int) -> OnboardingRead:
    found = plan_of(session, account_id)
    if found is None:
        raise NotFound(_("This account has no onboarding plan"))
    return found


def plan_of(session: Session, account_id: int) -> OnboardingRead | None:
    """The account's plan with its steps; None when it has none."""
    plan = OnboardingRepository(session).of_account(account_id)
    if plan is None:
        return None
    found = TemplateRepository(session).get_version(plan.template_version_id)
    assert found is not None
    name, version = found
    stored = stored_steps(version.definition)
    steps = []
    for m in MilestoneRepository(session).steps_of(plan.id):
        step = MilestoneRead.model_validate(m)
        if m.step_key in stored:
            step.title, step.stage_title, step.links = stored[m.step_key]
        steps.append(step)
    return OnboardingRead(
        id=plan.id,
        account_id=account_id,
        template=name,
        title=stored_text(version.definition.get("title")),
        version=version.version,
        started_on=plan.started_on,
        first_value_at=plan.first_value_at,
        steps=steps,
    )


def customer_agenda(
    session: Session,
    account_id: int,
    now: datetime,
    *,
    zone: str = "Asia/Tokyo",
    locale: str = "ja",
    due_days: int = 2,
) -> CustomerAgenda:
    """The customer's side of the account's plan, in the plan's language (else ``locale``):
    their open steps, overdue before ``today`` (in ``zone``), due within ``due_days``, else
    upcoming; and the meetings not yet over. Empty lists when the account has no plan."""
    today = now.astimezone(ZoneInfo(zone)).date()
    plan = OnboardingRepository(session).of_account(account_id)
    language = (plan.locale if plan else None) or locale
    shown = plan_of(session, account_id) if plan else None
    steps = [
        AgendaStep(
            id=s.id,
            title=local_text(s.title, language) if s.title else s.name,
            due_date=s.due_date,
            state=step_state(s.due_date, today, due_days),
        )
        for s in (shown.steps if shown else [])
        if s.side is StepSide.CUSTOMER and s.done_at is None
    ]
    steps.sort(key=lambda s: (s.due_date is None, s.due_date or today, s.id))
    meetings = [
        AgendaMeeting.model_validate(m, from_attributes=True)
        for m in MeetingRepository(session).of_account(account_id)
        if m.status is MeetingStatus.SCHEDULED
        and m.starts_at + timedelta(minutes=m.duration_minutes) > now
    ]
    return CustomerAgenda(
        account_id=account_id, locale=language, today=today, steps=steps, meetings=meetings
    )


def step_state(due: date | None, today: date, due_days: int) -> StepState:
    if due is not None and due < today:
        return "overdue"
    if due is not None and due <= today + timedelta(days=due_days):
        return "due"
    return "upcoming"


def accounts_on_template(session: Session, name: str) -> list[int]:
    """The accounts whose plan started from template ``name`` (any version)."""
    return OnboardingRepository(session).accounts_on(name)


def tick_step(session: Session, step_id: int, *, by: int | None, at: datetime) -> MilestoneRead:
    """Mark the step done (once: ticking a done step changes nothing); its task is done too,
    and at the step of first value the account moves to adoption."""
    step = _step(session, step_id)
    if step.done_at is None:
        _done(session, step, by, at)
    return MilestoneRead.model_validate(step)


def reopen_step(session: Session, step_id: int) -> MilestoneRead:
    """Undo a tick: the step and its task are open again; the first value, if it was this
    step, is no longer reached (the lifecycle stage a person may have set stays)."""
    step = _step(session, step_id)
    if step.done_at is not None:
        step.done_at, step.done_by = None, None
        if step.task_id is not None:
            tasks.update(session, step.task_id, TaskUpdate(status=TaskStatus.OPEN))
        if step.is_first_value and step.onboarding_id is not None:
            plan = OnboardingRepository(session).get(step.onboarding_id)
            if plan is not None:
                plan.first_value_at = None
        session.flush()
    return MilestoneRead.model_validate(step)


def complete_by_events(session: Session, events_path: Path) -> int:
    """Tick every open step whose completion event was seen since its plan started, at the
    moment of that event; the number ticked."""
    waiting = MilestoneRepository(session).awaiting_events()
    asked = {
        (external_id, str(step.completion_event), datetime.combine(day, time(), UTC))
        for step, external_id, day in waiting
    }
    seen = first_occurrences(events_path, sorted(asked))
    ticked = 0
    for step, external_id, _day in waiting:
        at = seen.get((external_id, str(step.completion_event)))
        if at is not None:
            _done(session, step, None, at)
            ticked += 1
    session.flush()
    return ticked


def complete_by_tasks(session: Session) -> int:
    """Tick every open step whose task someone marked done (on the tasks page, say), at the
    moment it was; the number ticked."""
    finished = MilestoneRepository(session).with_done_tasks()
    for step, by, at in finished:
        _done(session, step, by, at)
    return len(finished)


def follow_task(session: Session, task: TaskRead) -> None:
    """A task worked on the tasks page: its onboarding step follows (done when it is done,
    open again when it is reopened)."""
    step = MilestoneRepository(session).of_task(task.id)
    if step is None:
        return
    if task.status is TaskStatus.DONE and step.done_at is None:
        _done(session, step, task.owner_id, task.completed_at or task.updated_at)
    elif task.status is not TaskStatus.DONE and step.done_at is not None:
        reopen_step(session, step.id)


def _done(session: Session, step: Milestone, by: int | None, at: datetime) -> None:
    step.done_at, step.done_by = at, by
    if step.task_id is not None:
        tasks.update(session, step.task_id, TaskUpdate(status=TaskStatus.DONE, completed_at=at))
    if step.is_first_value and step.onboarding_id is not None:
        plan = OnboardingRepository(session).get(step.onboarding_id)
        if plan is not None and plan.first_value_at is None:
            plan.first_value_at = at
        account = accounts.get(session, step.account_id)
        if account.lifecycle_stage in (None, LifecycleStage.ONBOARDING):
            accounts.update(
                session, step.account_id, AccountUpdate(lifecycle_stage=LifecycleStage.ADOPTION)
            )
    session.flush()


def _step(session: Session, step_id: int) -> Milestone:
    step = MilestoneRepository(session).get(step_id)
    if step is None:
        raise NotFound(_("Milestone {id} not found", id=step_id))
    return step


def complete_by_event(session: Session, account_id: int, event: str, at: datetime) -> int:
    """Tick the account's open steps that wait for ``event``, just received (a guide
    completed in the product, say) rather than found later by the daily job; the number
    ticked."""
    plan = OnboardingRepository(session).of_account(account_id)
    if plan is None:
        return 0
    waiting = [
        step
        for step in MilestoneRepository(session).steps_of(plan.id)
        if step.done_at is None and step.completion_event == event
    ]
    for step in waiting:
        _done(session, step, None, at)
    session.flush()
    return len(waiting)
