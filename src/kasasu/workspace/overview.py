"""The account overview (アカウント360°): everything known about one account on one page,
or in one API answer: health and why, contracts, usage, tickets, surveys, the timeline,
open tasks, onboarding, requests, playbook runs and the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountRead
from kasasu.accounts.service import accounts
from kasasu.activities.schemas import ActivityRead
from kasasu.activities.service import activities, last_touch
from kasasu.audit.schemas import AuditEntryRead
from kasasu.audit.service import account_history
from kasasu.contacts.schemas import ContactRead
from kasasu.contacts.service import contacts
from kasasu.db.service import CrudService
from kasasu.domain.dates import local_midnight
from kasasu.domain.reporting import Reporting
from kasasu.errors import NotFound
from kasasu.events.service import daily_usage
from kasasu.health.explain import account_health, weakest_measures
from kasasu.health.schemas import HealthRead
from kasasu.health.snapshots import TouchChange, latest_briefs, mrr_history, touch_history
from kasasu.kit.i18n import _
from kasasu.kit.types import LocalText
from kasasu.needs.requests import FeedbackRead, feedback
from kasasu.onboarding.meeting_schemas import MeetingRead
from kasasu.onboarding.meetings import list_meetings
from kasasu.onboarding.schemas import MilestoneRead, OnboardingRead
from kasasu.onboarding.service import milestones, plan_of
from kasasu.onboarding.success import plan_links, success_plan
from kasasu.onboarding.success_schemas import PlanLinkRead, SuccessPlan
from kasasu.onboarding.templates import list_templates
from kasasu.ownership.schemas import AccountOwnership
from kasasu.ownership.service import account_ownership
from kasasu.playbooks.schemas import RunRead
from kasasu.playbooks.service import playbook_log
from kasasu.prediction.schemas import AccountRisk, AccountValue
from kasasu.prediction.service import account_risk
from kasasu.prediction.value import account_value
from kasasu.subscriptions.schemas import SubscriptionRead
from kasasu.subscriptions.service import churn_scheduled, subscriptions
from kasasu.support.schemas import TicketRead
from kasasu.support.service import tickets
from kasasu.surveys.schemas import ResponseRead
from kasasu.surveys.service import responses
from kasasu.tasks.schemas import TaskRead
from kasasu.tasks.service import tasks
from kasasu.users.service import user_names
from kasasu.workspace.accounts import Brief, brief_of
from kasasu.workspace.timeline import TimelineEntry, account_timeline

R = TypeVar("R", bound=BaseModel)
Filters = Mapping[str, Any]
USAGE_DAYS = 90
MRR_HISTORY_DAYS = 365
# How many of each list the overview holds (newest first); the lists' own pages hold all.
SHOWN = {
    "subscriptions": 50,
    "tickets": 20,
    "responses": 20,
    "timeline": 30,
    "tasks": 20,
    "milestones": 30,
    "feedback": 20,
    "playbook_runs": 10,
    "history": 20,
    "contacts": 100,
}


class MrrPoint(BaseModel):
    day: date
    mrr: float | None = Field(description="Reporting currency, minor units, as the refresh saw it")


class UsageDay(BaseModel):
    day: date = Field(description="A local day of the reporting zone")
    events: int
    users: int = Field(description="Distinct users with an event that day")


class AccountOverview(BaseModel):
    account: AccountRead
    owner_name: str | None
    ownership: AccountOwnership | None = Field(
        default=None, description="The ownership rule that chose its CSM, if one did"
    )
    health: HealthRead | None = Field(description="None before the account was first scored")
    risk: AccountRisk | None = Field(
        default=None, description="Its latest churn risk and why; None before a churn model"
    )
    value: AccountValue | None = Field(
        default=None, description="Its latest lifetime value and what it is made of"
    )
    brief: Brief | None
    mrr_history: list[MrrPoint] = Field(description=f"The last {MRR_HISTORY_DAYS} days")
    touch_history: list[TouchChange] = Field(description="Newest first")
    usage: list[UsageDay] = Field(description=f"The last {USAGE_DAYS} days")
    subscriptions: list[SubscriptionRead]
    tickets: list[TicketRead]
    responses: list[ResponseRead]
    timeline: list[ActivityRead]
    tasks: list[TaskRead] = Field(description="Open tasks, the soonest due first")
    milestones: list[MilestoneRead]
    onboarding: OnboardingRead | None = Field(
        default=None, description="Its onboarding plan and every step, if it has one"
    )
    success_plan: SuccessPlan | None = Field(
        default=None, description="The customer's objectives (導入目的) and goals"
    )
    plan_links: list[PlanLinkRead] = Field(
        default=[], description="The links that share the success plan, newest last"
    )
    meetings: list[MeetingRead] = Field(
        default=[], description="The plan's meetings with the customer, the earliest first"
    )
    onboarding_templates: dict[str, LocalText | str] = Field(
        default={}, description="Name → title of the templates a plan can start from"
    )
    feedback: list[FeedbackRead]
    playbook_runs: list[RunRead]
    history: list[AuditEntryRead] = Field(description="The latest audit log entries")
    contacts: list[ContactRead] = Field(default=[], description="Its people, by name")
    events: list[TimelineEntry] = Field(
        default=[],
        description="The timeline: activities, tasks done, renewal decisions and "
        "playbook runs, newest first (the latest 40)",
    )
    last_touch: dict[int, datetime] = Field(
        default={}, description="Contact id → their latest activity with us"
    )
    churn_scheduled: date | None = Field(
        default=None, description="Every running line is cancelled: the last day of service"
    )
    suggested_task: str | None = Field(
        default=None, description="A task title from the measure that costs the score most"
    )


def account_overview(
    session: Session, account_id: int, reporting: Reporting, events_path: Path
) -> AccountOverview:
    """One account as its CSM sees it; NotFound for an account that does not exist."""
    account = accounts.get(session, account_id)
    mine = {"account_id": account_id}
    today = reporting.today()
    try:
        health = account_health(
            session, account_id, locale=reporting.locale, currency=reporting.currency
        )
    except NotFound:
        health = None  # not scored yet: the page says how to get a score
    owner = user_names(session, [account.owner_id]) if account.owner_id else {}

    def newest(
        service: CrudService[Any, Any, Any, R], key: str, sort: str, filters: Filters = mine
    ) -> list[R]:
        return service.list_page(session, filters, sort=sort, limit=SHOWN[key]).items

    timeline = newest(activities, "timeline", "-occurred_at")
    runs = playbook_log(
        session, reporting.locale, limit=SHOWN["playbook_runs"], account_id=account_id
    )
    people = newest(contacts, "contacts", "name")
    return AccountOverview(
        account=account,
        owner_name=owner.get(account.owner_id) if account.owner_id else None,
        ownership=account_ownership(session, account_id, account.owner_id),
        last_touch=last_touch(session, account_id),
        churn_scheduled=churn_scheduled(session, account_id, today),
        health=health,
        risk=account_risk(session, account_id, reporting.locale, reporting.currency),
        value=account_value(session, account_id),
        brief=brief_of(latest_briefs(session, [account_id]).get(account_id)),
        mrr_history=[
            MrrPoint(day=d, mrr=m)
            for d, m in mrr_history(session, account_id, today - timedelta(days=MRR_HISTORY_DAYS))
        ],
        touch_history=touch_history(session, account_id),
        usage=_usage(events_path, account.external_id, today, reporting.zone),
        subscriptions=newest(subscriptions, "subscriptions", "-start_date"),
        tickets=newest(tickets, "tickets", "-opened_at"),
        responses=newest(responses, "responses", "-answered_at"),
        timeline=timeline,
        tasks=newest(tasks, "tasks", "due_date", mine | {"status": "open"}),
        milestones=newest(milestones, "milestones", "position"),
        onboarding=plan_of(session, account_id),
        success_plan=success_plan(session, account_id),
        plan_links=plan_links(session, account_id),
        meetings=list_meetings(session, account_id),
        onboarding_templates={t.name: t.definition["title"] for t in list_templates(session)},
        feedback=newest(feedback, "feedback", "-created_at"),
        playbook_runs=runs,
        history=account_history(session, account_id, limit=SHOWN["history"]),
        contacts=people,
        events=account_timeline(
            session,
            account_id,
            activities=timeline,
            runs=runs,
            contacts=people,
            locale=reporting.locale,
        ),
        suggested_task=_suggested_task(health, reporting.locale),
    )


def _suggested_task(health: HealthRead | None, locale: str) -> str | None:
    """ "Follow up: <the measure costing the score most> (<its value>)", or None."""
    if health is None:
        return None
    weakest = weakest_measures([m.model_dump() for m in health.measures])
    if not weakest:
        return None
    measure = weakest[0][1]
    follow = _("Follow up: {measure} ({value})", measure=measure["title"], value=measure["shown"])
    return follow.render(locale)


def _usage(events_path: Path, external_id: str, today: date, zone: str) -> list[UsageDay]:
    start = today - timedelta(days=USAGE_DAYS)
    days = daily_usage(
        events_path, external_id, local_midnight(start, zone), local_midnight(today, zone), zone
    )
    return [UsageDay(day=d, events=n, users=u) for d, n, u in days]
