"""The daily digest of a CSM (今日のまとめ): their red accounts, their renewals in the next
days and their tasks due today or overdue, as the accounts list, the renewal board and the
home page count them; for each CSM who owns accounts and wants one (their digest channel is
not "off"), once the refresh of today is done."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from pydantic import BaseModel
from sqlalchemy.orm import Session

from kasasu.accounts.service import account_names
from kasasu.digests.schemas import DigestPreferenceRead
from kasasu.digests.service import digest_preferences, digests_sent
from kasasu.domain.reporting import Reporting
from kasasu.domain.scoring import Band
from kasasu.kit.i18n import LOCALES
from kasasu.renewals.schemas import RenewalQuery, RenewalRow
from kasasu.renewals.service import renewal_board
from kasasu.users.schemas import UserRead
from kasasu.users.service import list_users
from kasasu.workspace.accounts import AccountListQuery, list_accounts
from kasasu.workspace.home import Listed
from kasasu.workspace.repository import HomeRepository, TaskCounts
from kasasu.workspace.workload import csm_workload

DIGEST_ROWS = 10  # per list; the digest says how many there are in all


class DigestAccount(BaseModel):
    account_id: int
    name: str
    score: float | None
    churn_risk: float | None
    mrr: float | None


class DigestTask(BaseModel):
    task_id: int
    title: str
    account_name: str | None
    due_date: date
    overdue: bool


class Digest(BaseModel):
    user_id: int
    name: str
    email: str
    locale: str
    preference: DigestPreferenceRead
    today: date
    renewal_days: int
    currency: str
    red: Listed[DigestAccount]
    renewals: Listed[RenewalRow]
    tasks: Listed[DigestTask]
    overdue: int


def digests_due(
    session: Session, reporting: Reporting, renewal_days: int, *, only: int | None = None
) -> list[Digest]:
    """The digest of each active CSM who owns accounts (as the workload counts them), wants
    one and has not had today's; ``only``: that user's alone."""
    today = reporting.today()
    owners = [
        o.owner_id
        for o in csm_workload(session, today).owners
        if o.owner_id is not None and o.total.accounts > 0 and (only is None or o.owner_id == only)
    ]
    users = {u.id: u for u in list_users(session) if u.id in owners and u.is_active}
    wanted = digest_preferences(session, list(users))
    sent = digests_sent(session, today)
    counts = HomeRepository(session).task_counts(today, today)
    return [
        csm_digest(
            session,
            reporting=reporting,
            user=users[u],
            preference=wanted[u],
            renewal_days=renewal_days,
            counts=counts,
        )
        for u in owners
        if u in users and wanted[u].channel != "off" and u not in sent
    ]


def csm_digest(
    session: Session,
    *,
    reporting: Reporting,
    user: UserRead,
    preference: DigestPreferenceRead,
    renewal_days: int,
    counts: Mapping[int | None, TaskCounts],
) -> Digest:
    today = reporting.today()
    red = list_accounts(
        session,
        AccountListQuery(owner_id=user.id, band=Band.RED, sort="health", limit=DIGEST_ROWS),
        today,
    )
    window = RenewalQuery(
        first=today,
        last=today + timedelta(days=renewal_days),
        owner_id=user.id,
        decided=False,
        size=DIGEST_ROWS,
    )
    board = renewal_board(session, window, reporting.currency, today)
    tasks, tasks_total = HomeRepository(session).due_tasks(user.id, today, DIGEST_ROWS)
    names = account_names(session, [t.account_id for t in tasks if t.account_id])
    return Digest(
        user_id=user.id,
        name=user.name,
        email=user.email,
        locale=user.locale if user.locale in LOCALES else reporting.locale,
        preference=preference,
        today=today,
        renewal_days=renewal_days,
        currency=reporting.currency,
        red=Listed(
            items=[
                DigestAccount(
                    account_id=a.id,
                    name=a.name,
                    score=a.health.score if a.health else None,
                    churn_risk=a.health.churn_risk if a.health else None,
                    mrr=a.health.mrr if a.health else None,
                )
                for a in red.items
            ],
            total=red.total,
        ),
        renewals=Listed(items=board.rows, total=board.total),
        tasks=Listed(
            items=[
                DigestTask(
                    task_id=t.id,
                    title=t.title,
                    account_name=names.get(t.account_id) if t.account_id else None,
                    due_date=t.due_date,
                    overdue=t.due_date < today,
                )
                for t in tasks
                if t.due_date is not None  # (due_tasks has a due date by its filter)
            ],
            total=tasks_total,
        ),
        overdue=counts[user.id].overdue if user.id in counts else 0,
    )
