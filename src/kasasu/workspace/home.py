"""Home (ホーム): a person's day, or the team's by CSM.

A CSM sees their accounts whose health band worsened this week, their renewals in the next
30 and 90 days, their tasks overdue or due this week, the unhappy survey answers of the
week on their accounts, and the playbook tasks waiting for them. A leader sees the same for
the whole team, with a line per CSM. Each list shows its first rows and counts them all."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.accounts.service import account_names
from kasasu.domain.dates import local_midnight
from kasasu.domain.reporting import Reporting
from kasasu.domain.scoring import Band
from kasasu.health.explain import title, weakest_measures
from kasasu.health.snapshots import WEEK, BandChanges, band_changes
from kasasu.models import (
    Account,
    Contact,
    ExchangeRate,
    HealthScore,
    Renewal,
    Subscription,
    SurveyResponse,
    Task,
    User,
)
from kasasu.renewals.schemas import RenewalQuery, RenewalRow
from kasasu.renewals.service import renewal_rows, renewal_windows
from kasasu.tasks.schemas import TaskRead
from kasasu.users.service import user_names
from kasasu.workspace.dashboard import RenewalsAhead
from kasasu.workspace.memo import Recalled, recall
from kasasu.workspace.repository import AnswerRow, HomeRepository, TaskCounts

T = TypeVar("T")
ROWS = 10  # per list; each list says how many there are in all and links to them
RENEWAL_DAYS = (30, 90)


class WorsenedAccount(BaseModel):
    account_id: int
    name: str
    external_id: str
    owner_id: int | None
    owner_name: str | None
    mrr: float | None = Field(description="On the latest day scored; minor units")
    score: float | None
    band: Band
    band_before: Band | None = Field(description="None: not scored on the day compared with")
    reason: str | None = Field(description="The measure that costs the score most")
    renewal_date: date | None = Field(description="The next renewal the refresh saw")
    open_task: bool


class HomeTask(BaseModel):
    task: TaskRead
    account_name: str | None
    overdue: bool


class UnhappyAnswer(BaseModel):
    id: int
    account_id: int
    account_name: str
    kind: str
    score: int
    comment: str | None
    answered_at: datetime


class Listed(BaseModel, Generic[T]):
    """The first rows of a list and how many it holds."""

    items: list[T]
    total: int


class OwnerLine(BaseModel):
    """One CSM's line of the team's home (owner None: nobody's)."""

    owner_id: int | None
    name: str
    worsened: int = 0
    renewals_30: int = 0
    renewals_90: int = 0
    renewals_90_mrr: int = Field(default=0, description="Reporting currency, minor units")
    overdue: int = 0
    due: int = 0
    playbook: int = 0
    unhappy: int = 0


class Home(BaseModel):
    owner_id: int | None = Field(description="Whose day; None: the whole team")
    today: date
    scored_on: date | None = Field(description="The latest day scored")
    compared_with: date | None = Field(description="The day its bands are compared with")
    due_by: date = Field(description="Tasks due up to this day are listed")
    since: datetime = Field(description="Unhappy answers given since (UTC)")
    worsened: Listed[WorsenedAccount]
    renewals: list[RenewalsAhead] = Field(description="Not yet decided, per window")
    upcoming: list[RenewalRow] = Field(description="The first renewals of the longest window")
    tasks: Listed[HomeTask]
    overdue: int
    playbook: Listed[HomeTask]
    unhappy: Listed[UnhappyAnswer]
    team: list[OwnerLine] = Field(description="Per CSM, for the team's home; else empty")


def home(session: Session, reporting: Reporting, owner_id: int | None) -> Home:
    """``owner_id``'s day, or (None) the team's with a line per CSM."""
    today = reporting.today()
    due_by = today + timedelta(days=WEEK - 1)
    since = local_midnight(today - timedelta(days=WEEK - 1), reporting.zone)
    repo = HomeRepository(session)
    changes = band_changes(session, owner_id, ROWS)
    tasks, tasks_total = repo.open_tasks(owner_id, due_by, playbook=False, limit=ROWS)
    playbook, playbook_total = repo.open_tasks(owner_id, due_by, playbook=True, limit=ROWS)
    answers, answers_total = repo.unhappy_answers(since, owner_id, ROWS)
    counts = repo.task_counts(today, due_by)
    overdue = sum(c.overdue for o, c in counts.items() if owner_id is None or o == owner_id)
    near, far = RENEWAL_DAYS
    window = _renewals(today, far, owner_id, ROWS)
    owners, unrated = renewal_windows(
        session, window, reporting.currency, today, today + timedelta(days=near)
    )
    return Home(
        owner_id=owner_id,
        today=today,
        scored_on=changes.day,
        compared_with=changes.before,
        due_by=due_by,
        since=since,
        worsened=Listed(
            items=_worsened(session, changes, reporting.locale),
            total=changes.total(owner_id),
        ),
        renewals=[_ahead(near, owners, unrated, soon=True), _ahead(far, owners, unrated)],
        upcoming=renewal_rows(session, window, reporting.currency, today),
        tasks=Listed(items=_tasks(session, tasks, today), total=tasks_total),
        overdue=overdue,
        playbook=Listed(items=_tasks(session, playbook, today), total=playbook_total),
        unhappy=Listed(items=[_answer(a) for a in answers], total=answers_total),
        team=_team(session, changes, counts, owners, since) if owner_id is None else [],
    )


def _ahead(
    days: int,
    owners: Mapping[int | None, Any],
    unrated: Mapping[str, tuple[int, int]],
    *,
    soon: bool = False,
) -> RenewalsAhead:
    """The window's totals, added up over owners (an account has one owner), from
    ``renewal_windows``: its first part when ``soon``, else all of it."""
    pick = 1 if soon else 0
    fields = ("renewals", "accounts", "mrr")
    total, accounts, mrr = (
        sum(getattr(t, f"{f}_soon" if soon else f) for t in owners.values()) for f in fields
    )
    missing = {currency: amounts[pick] for currency, amounts in unrated.items() if amounts[pick]}
    return RenewalsAhead(days=days, total=total, accounts=accounts, mrr=mrr, missing_rates=missing)


def _renewals(today: date, days: int, owner_id: int | None, size: int) -> RenewalQuery:
    return RenewalQuery(
        first=today, last=today + timedelta(days=days), owner_id=owner_id, decided=False, size=size
    )


def _worsened(session: Session, changes: BandChanges, locale: str) -> list[WorsenedAccount]:
    day, rows = changes.day, changes.rows
    tasked = HomeRepository(session).accounts_with_open_tasks([r.account_id for r in rows])
    owners = user_names(session, [r.owner_id for r in rows if r.owner_id is not None])
    items = []
    for r in rows:
        weakest = weakest_measures(r.measures)
        renews = None
        if day is not None and r.days_to_renewal is not None and r.days_to_renewal >= 0:
            renews = day + timedelta(days=int(r.days_to_renewal))
        items.append(
            WorsenedAccount(
                account_id=r.account_id,
                name=r.name,
                external_id=r.external_id,
                owner_id=r.owner_id,
                owner_name=owners.get(r.owner_id) if r.owner_id is not None else None,
                mrr=r.mrr,
                score=r.score,
                band=Band(r.band),
                band_before=Band(r.band_before) if r.band_before else None,
                reason=title(weakest[0][1]["metric"], locale) if weakest else None,
                renewal_date=renews,
                open_task=r.account_id in tasked,
            )
        )
    return items


def _tasks(session: Session, rows: list[Task], today: date) -> list[HomeTask]:
    names = account_names(session, [t.account_id for t in rows if t.account_id])
    return [
        HomeTask(
            task=TaskRead.model_validate(t),
            account_name=names.get(t.account_id) if t.account_id else None,
            overdue=t.due_date is not None and t.due_date < today,
        )
        for t in rows
    ]


def _answer(a: AnswerRow) -> UnhappyAnswer:
    return UnhappyAnswer(
        id=a.id,
        account_id=a.account_id,
        account_name=a.account_name,
        kind=str(a.kind),
        score=a.score,
        comment=a.comment,
        answered_at=a.answered_at,
    )


def _team(
    session: Session,
    changes: BandChanges,
    counts: dict[int | None, TaskCounts],
    renewals: Mapping[int | None, Any],
    since: datetime,
) -> list[OwnerLine]:
    """A line per CSM who owns accounts or tasks, by name; nobody's last."""
    lines: dict[int | None, OwnerLine] = {}

    def line(owner: int | None) -> OwnerLine:
        return lines.setdefault(owner, OwnerLine(owner_id=owner, name=""))

    for owner, n in changes.per_owner.items():
        line(owner).worsened = n
    for owner, t in renewals.items():
        found = line(owner)
        found.renewals_30, found.renewals_90 = t.renewals_soon, t.renewals
        found.renewals_90_mrr = t.mrr
    for owner, c in counts.items():
        found = line(owner)
        found.overdue, found.due, found.playbook = c.overdue, c.due, c.playbook
    for owner, n in HomeRepository(session).unhappy_counts(since).items():
        line(owner).unhappy = n
    names = user_names(session, [o for o in lines if o is not None])
    for owner, found in lines.items():
        found.name = names.get(owner, "") if owner is not None else ""
    return sorted(lines.values(), key=lambda r: (r.owner_id is None, r.name, r.owner_id or 0))


# What a home page reads: accounts and their latest scores, tasks, contract lines and their
# renewals (with rates), unhappy answers and who they came from, and the users' names.
HOME_TABLES = (
    Account, HealthScore, Task, Subscription, Renewal, ExchangeRate, SurveyResponse, Contact,
    User,
)  # fmt: skip


def recall_home(session: Session, reporting: Reporting, owner_id: int | None) -> Recalled[Home]:
    """``owner_id``'s day (None: the team's), kept until one of its tables changes."""
    params = {"reporting": reporting, "today": reporting.today(), "owner": owner_id}
    return recall(
        session,
        "home",
        params,
        tables=HOME_TABLES,
        compute=lambda: home(session, reporting, owner_id),
        kind=Home,
    )
