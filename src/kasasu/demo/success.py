"""What the CS team does and tracks: activities, tasks, onboarding milestones and feedback.

How much a CSM is in touch follows the account's touch model; customers who will leave
over difficulty stall in onboarding, and those whose champion leaves get a note about it.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from kasasu.demo import texts
from kasasu.demo.shapes import DemoAccount, Period, Row, active_months
from kasasu.demo.timeline import Calendar, add_months
from kasasu.domain.choices import (
    ActivityKind,
    CancellationReason,
    ContactRole,
    NeedStatus,
    Priority,
    TaskSource,
    TaskStatus,
    TouchModel,
)
from kasasu.kit.types import local_text
from kasasu.onboarding.schemas import TemplateDefinition

# A shipped onboarding template's version id and definition, by priority.
DemoTemplate = tuple[int, TemplateDefinition]
A = ActivityKind
ACTIVITY_RATES: dict[TouchModel, dict[ActivityKind, float]] = {
    TouchModel.HIGH: {A.MEETING: 0.8, A.CALL: 1.0, A.NOTE: 1.2, A.EMAIL: 0.8, A.WEBINAR: 0.1},
    TouchModel.LOW: {A.MEETING: 0.1, A.CALL: 0.4, A.NOTE: 0.3, A.EMAIL: 0.5, A.WEBINAR: 0.12},
    TouchModel.TECH: {A.EMAIL: 0.6, A.WEBINAR: 0.12, A.COMMUNITY_POST: 0.08},
}
CUSTOMER_DRIVEN = (A.WEBINAR, A.COMMUNITY_POST)  # fade as the customer loses interest
EFFORT_DAYS = (1, 2, 3, 5, 8, 13, 21)


def make_activities(
    seed: int, cal: Calendar, accounts: list[DemoAccount], touch: dict[int, TouchModel]
) -> list[Row]:
    rng = np.random.default_rng([seed, 6])
    rows: list[Row] = []
    for account in accounts:
        rates = ACTIVITY_RATES[touch[account.id]]
        for period, lo, hi in active_months(cal, account):
            share = (hi - lo).days / 30.44
            fade = 1 - 0.7 * period.risk(lo + (hi - lo) / 2)
            for kind, rate in rates.items():
                keen = fade * account.engagement if kind in CUSTOMER_DRIVEN else 1.0
                count = int(rng.poisson(rate * share * keen))
                rows.extend(_activity(rng, cal, account, kind, (lo, hi)) for _ in range(count))
        rows.extend(_champion_left_notes(cal, account))
    return rows


def _activity(
    rng: np.random.Generator,
    cal: Calendar,
    account: DemoAccount,
    kind: A,
    span: tuple[date, date],
) -> Row:
    subjects = texts.ACTIVITY_SUBJECTS[kind.value]
    contact = account.contacts[int(rng.integers(len(account.contacts)))]
    when = cal.working_instant(rng, *span)
    return {
        "account_id": account.id,
        "contact_id": contact["id"],
        "user_id": None if kind in CUSTOMER_DRIVEN else account.owner_id,
        "kind": kind,
        "subject": subjects[int(rng.integers(len(subjects)))],
        "body": None,
        "occurred_at": when,
        "created_at": when,
        "updated_at": when,
    }


def _champion_left_notes(cal: Calendar, account: DemoAccount) -> list[Row]:
    """The CSM hears that the champion is leaving about six weeks before the churn."""
    champion = account.contacts[0]
    notes = []
    for period in account.periods:
        if period.reason is not CancellationReason.CHAMPION_LEFT or period.churn_on is None:
            continue
        day = max(period.start, period.churn_on - timedelta(days=45))
        if day >= cal.as_of:
            continue
        when = cal.instant(day, 15.5)
        notes.append(
            {
                "account_id": account.id,
                "contact_id": champion["id"],
                "user_id": account.owner_id,
                "kind": A.NOTE,
                "subject": "担当者の退職について",
                "body": f"ご担当の{champion['name']}様が退職予定との連絡あり。後任は未定。",
                "occurred_at": when,
                "created_at": when,
                "updated_at": when,
            }
        )
    return notes


def make_onboardings(
    seed: int,
    cal: Calendar,
    accounts: list[DemoAccount],
    templates: list[DemoTemplate],
    first_id: int,
) -> tuple[list[Row], list[Row]]:
    """Each account's onboarding plan from the template that applies to its plan (the
    shipped ones), and its steps as walked: slower on Starter, stalled early for most of
    those who will leave over difficulty. Plan rows, then step rows."""
    rng = np.random.default_rng([seed, 7])
    plans: list[Row] = []
    rows: list[Row] = []
    for account in accounts:
        chosen = [(v, t) for v, t in templates if _applies(t, account)]
        if not chosen:
            continue
        version_id, template = chosen[0]
        period = account.periods[0]
        plan_id = first_id + len(plans)
        stall_odds = 0.6 if period.reason is CancellationReason.HARD_TO_USE else 0.08
        stall_at = int(rng.integers(1, 5)) if rng.random() < stall_odds else 99
        slow = 1.3 if account.plan == "Starter" else 1.0
        created = cal.instant(period.start, 9.0)
        done_day = period.start
        first_value_at = None
        for position, (stage, step) in enumerate(template.steps()):
            due = period.start + timedelta(days=step.due_days)
            delay = step.due_days * slow * float(rng.lognormal(0.0, 0.35))
            done_day = max(done_day, period.start + timedelta(days=round(delay)))
            finished = position < stall_at and done_day < period.stop(cal.as_of)
            done_at = cal.clip(cal.instant(done_day, 16.0)) if finished else None
            if step.first_value:
                first_value_at = done_at
            rows.append(
                {
                    "account_id": account.id,
                    "plan": local_text(template.title, "ja"),
                    "name": local_text(step.title, "ja"),
                    "position": position,
                    "is_first_value": step.first_value,
                    "due_date": due,
                    "done_at": done_at,
                    "onboarding_id": plan_id,
                    "step_key": step.key,
                    "stage": local_text(stage.title, "ja"),
                    "side": step.side,
                    "completion_event": step.completion_event,
                    "created_at": created,
                    "updated_at": done_at or created,
                }
            )
        plans.append(
            {
                "id": plan_id,
                "account_id": account.id,
                "template_version_id": version_id,
                "started_on": period.start,
                "first_value_at": first_value_at,
                "created_at": created,
                "updated_at": first_value_at or created,
            }
        )
    return plans, rows


def _applies(template: TemplateDefinition, account: DemoAccount) -> bool:
    """Whether the template applies by the one field a new demo account has: its plan."""
    fields = template.applies_to
    return (
        template.segment is None
        and set(fields) <= {"plan"}
        and (fields.get("plan", account.plan) == account.plan)
    )


# Effort estimates (person-days) of the needs, one per FEEDBACK_TITLES entry; None: not
# estimated yet, so the needs board shows both lists.
NEED_EFFORT_DAYS = (40, 15, 5, 8, 20, 10, None, 120, 12, 25, None, 6)
NEED_STATUSES = (
    "planned",
    "new",
    "in_progress",
    "new",
    "new",
    "planned",
    "new",
    "declined",
    "new",
    "new",
    "new",
    "in_progress",
)


def make_needs(cal: Calendar, first_id: int) -> list[Row]:
    """A need per request title (要望テーマ), with ids the requests point at."""
    created = cal.instant(cal.start, 9.0)
    return [
        {
            "id": first_id + i,
            "title": title,
            "description": None,
            "status": NeedStatus(NEED_STATUSES[i]),
            "effort_days": NEED_EFFORT_DAYS[i],
            "created_at": created,
            "updated_at": created,
        }
        for i, title in enumerate(texts.FEEDBACK_TITLES)
    ]


def mark_references(accounts: list[DemoAccount]) -> None:
    """Every other champion agreed to be a reference (so promoters among them advocate)."""
    for account in accounts:
        for contact in account.contacts:
            champion = contact["role"] == ContactRole.CHAMPION
            contact["reference_ok"] = champion and contact["id"] % 2 == 0


def make_feedback(
    seed: int, cal: Calendar, accounts: list[DemoAccount], first_need_id: int
) -> list[Row]:
    rng = np.random.default_rng([seed, 8])
    rows: list[Row] = []
    for account in accounts:
        for period in account.periods:
            odds = 0.6 if account.plan == "Enterprise" else 0.25
            count = int(rng.binomial(2, odds))
            if period.reason is CancellationReason.MISSING_FEATURES and period.churn_on:
                count += 1  # they asked before they left
            rows.extend(_feedback(rng, cal, account, period) for _ in range(count))
    for row in rows:
        row["need_id"] = first_need_id + texts.FEEDBACK_TITLES.index(row["title"])
    return rows


def _feedback(rng: np.random.Generator, cal: Calendar, account: DemoAccount, period: Period) -> Row:
    created = cal.working_instant(rng, period.start, period.stop(cal.as_of))
    age_days = (cal.as_of - created.date()).days
    statuses = (NeedStatus.NEW, NeedStatus.PLANNED, NeedStatus.IN_PROGRESS)
    status = statuses[int(rng.integers(3))]
    if age_days > 180:
        status = (NeedStatus.SHIPPED, NeedStatus.DECLINED, status)[int(rng.integers(3))]
    body = period.comment if period.reason is CancellationReason.MISSING_FEATURES else None
    return {
        "account_id": account.id,
        "title": texts.FEEDBACK_TITLES[int(rng.integers(len(texts.FEEDBACK_TITLES)))],
        "body": body,
        "status": status,
        "effort_days": EFFORT_DAYS[int(rng.integers(len(EFFORT_DAYS)))],
        "created_at": created,
        "updated_at": created,
    }


def make_tasks(
    seed: int,
    cal: Calendar,
    accounts: list[DemoAccount],
    touch: dict[int, TouchModel],
    escalations: list[Row],
) -> list[Row]:
    """Done QBR prep for high-touch accounts, follow-ups after escalations, and today's
    open work: renewals coming up, accounts at risk, onboarding to check."""
    rng = np.random.default_rng([seed, 9])
    rows: list[Row] = []
    by_id = {a.id: a for a in accounts}
    for account in accounts:
        if touch[account.id] is TouchModel.HIGH:
            rows.extend(_qbr_tasks(rng, cal, account))
    for ticket in escalations:
        account = by_id[ticket["account_id"]]
        due = ticket["opened_at"].date() + timedelta(days=3)
        rows.append(
            _task(
                cal,
                account,
                "followup",
                due=due,
                priority=Priority.HIGH,
                created_on=ticket["opened_at"].date(),
            )
        )
    for account in accounts:
        rows.extend(_open_tasks(cal, account, touch[account.id]))
    return rows


def _task(
    cal: Calendar,
    account: DemoAccount,
    kind: str,
    *,
    due: date,
    priority: Priority,
    created_on: date,
    source: TaskSource = TaskSource.MANUAL,
) -> Row:
    """A task created on ``created_on``; done on its due date if that date has passed."""
    created = cal.instant(min(created_on, cal.as_of - timedelta(days=1)), 9.5)
    completed = cal.clip(cal.instant(due, 17.0)) if due < cal.as_of - timedelta(days=1) else None
    return {
        "account_id": account.id,
        "owner_id": account.owner_id,
        "title": texts.TASK_TITLES[kind],
        "description": None,
        "due_date": due,
        "status": TaskStatus.DONE if completed else TaskStatus.OPEN,
        "priority": priority,
        "source": source,
        "completed_at": completed,
        "created_at": created,
        "updated_at": completed or created,
    }


def _qbr_tasks(rng: np.random.Generator, cal: Calendar, account: DemoAccount) -> list[Row]:
    rows = []
    for _period, lo, _hi in active_months(cal, account):
        if (lo.month - account.acquired_on.month) % 3 == 0 and lo > account.acquired_on:
            due = lo + timedelta(days=int(rng.integers(5, 25)))
            rows.append(
                _task(
                    cal,
                    account,
                    "qbr",
                    due=due,
                    priority=Priority.NORMAL,
                    created_on=due - timedelta(days=14),
                )
            )
    return rows


def _renewal_tasks(cal: Calendar, account: DemoAccount) -> list[Row]:
    """Prepare a yearly renewal coming up within 90 days, a month before it."""
    last = cal.as_of - timedelta(days=1)
    renewals = [x.renewal_after(last) for x in account.lines if x.active_on(last) and x.yearly]
    if not renewals or min(renewals) > last + timedelta(days=90):
        return []
    due = max(cal.as_of, min(renewals) - timedelta(days=30))
    created_on = last - timedelta(days=5)
    return [_task(cal, account, "renewal", due=due, priority=Priority.HIGH, created_on=created_on)]


def _open_tasks(cal: Calendar, account: DemoAccount, touch: TouchModel) -> list[Row]:
    last = cal.as_of - timedelta(days=1)
    period = account.period_on(last, cal.as_of)
    if period is None or touch is TouchModel.TECH:
        return []
    rows = _renewal_tasks(cal, account)
    if period.risk(cal.as_of) > 0.25:
        rows.append(
            _task(
                cal,
                account,
                "risk",
                due=cal.as_of + timedelta(days=7),
                priority=Priority.URGENT,
                created_on=last - timedelta(days=2),
                source=TaskSource.PLAYBOOK,
            )
        )
    if (last - period.start).days < 90:
        due = add_months(period.start, 3)
        rows.append(
            _task(
                cal,
                account,
                "onboarding",
                due=due,
                priority=Priority.NORMAL,
                created_on=period.start,
            )
        )
    return rows
