"""The needs board (要望管理): needs ranked by the ARR at stake for their effort, and status
changes that close the loop with every account that asked.

ARR of an asking account = 12 × its MRR in the reporting currency (minor units) as the latest
refresh stored it (feature ``mrr``), so the board, the bands and the account pages agree on
one day; an account the latest refresh did not score (e.g. churned) counts 0 and no band.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.orm import Session

from kasasu.domain.choices import NeedStatus, Priority, TaskSource, TaskStatus
from kasasu.domain.scoring import Band
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.health.snapshots import HealthBrief, latest_briefs, latest_refresh_day
from kasasu.kit.i18n import Message, _
from kasasu.models import Need, NeedStatusChange
from kasasu.needs.repository import NeedRepository
from kasasu.needs.schemas import (
    AskingAccount,
    NeedBoard,
    NeedCreate,
    NeedDetail,
    NeedRead,
    NeedRow,
    NeedUpdate,
    RequestRow,
    StatusChange,
    StatusChangeRead,
)

AT_RISK_BANDS = (Band.RED, Band.YELLOW)
CLOSING = (NeedStatus.SHIPPED, NeedStatus.DECLINED)  # statuses the customers are told about
TASK_DUE_DAYS = 7


def arr_of(brief: HealthBrief | None) -> int:
    """12 × the account's MRR on the latest refresh, in minor units (0 without one)."""
    return round(12 * (brief.mrr or 0)) if brief is not None else 0


def need_board(
    session: Session, statuses: Sequence[NeedStatus] = (), currency: str = "JPY"
) -> NeedBoard:
    """Every need (or those in ``statuses``): estimated ones ranked by ARR at stake ÷ effort
    days (ties: larger ARR, then older), the others apart by ARR."""
    needs = NeedRepository(session).list_by_status(statuses)
    rows = _rows(session, needs)
    ranked = [r for r in rows if r.value_for_effort is not None]
    ranked.sort(key=lambda r: (-(r.value_for_effort or 0), -r.arr, r.id))
    rest = sorted((r for r in rows if r.value_for_effort is None), key=lambda r: (-r.arr, r.id))
    return NeedBoard(
        as_of=latest_refresh_day(session), currency=currency, ranked=ranked, not_estimated=rest
    )


def _rows(session: Session, needs: Sequence[Need]) -> list[NeedRow]:
    asking = NeedRepository(session).asking([n.id for n in needs])
    briefs = latest_briefs(session, sorted({a for _n, a, _c in asking}))
    per_need: dict[int, list[tuple[int, int]]] = {}
    for need_id, account_id, count in asking:
        per_need.setdefault(need_id, []).append((account_id, count))
    return [_row(need, per_need.get(need.id, []), briefs) for need in needs]


def _row(need: Need, asking: list[tuple[int, int]], briefs: dict[int, HealthBrief]) -> NeedRow:
    arr = [arr_of(briefs.get(a)) for a, _c in asking]
    risky = [
        value
        for (a, _c), value in zip(asking, arr, strict=True)
        if (b := briefs.get(a)) is not None and b.band in AT_RISK_BANDS
    ]
    total = sum(arr)
    effort = need.effort_days
    return NeedRow(
        id=need.id,
        title=need.title,
        status=need.status,
        effort_days=effort,
        requests=sum(c for _a, c in asking),
        accounts=len(asking),
        arr=total,
        at_risk=len(risky),
        arr_at_risk=sum(risky),
        value_for_effort=total / effort if effort else None,
        updated_at=need.updated_at,
    )


def _need(session: Session, need_id: int) -> Need:
    row = NeedRepository(session).get(need_id)
    if row is None:
        raise NotFound(_("Need {id} does not exist", id=need_id))
    return row


def get_need(session: Session, need_id: int) -> NeedDetail:
    """The need with its figures, requests, the accounts asking and its status history."""
    need = _need(session, need_id)
    repo = NeedRepository(session)
    asking = repo.asking([need.id])
    briefs = latest_briefs(session, [a for _n, a, _c in asking])
    names = repo.accounts([a for _n, a, _c in asking])
    accounts = [
        AskingAccount(
            account_id=a,
            name=names[a][0],
            requests=c,
            arr=arr_of(briefs.get(a)),
            band=b.band if (b := briefs.get(a)) else None,
        )
        for _n, a, c in asking
    ]
    accounts.sort(key=lambda x: (-x.arr, x.name, x.account_id))
    return NeedDetail(
        need=NeedRead.model_validate(need, from_attributes=True),
        row=_row(need, [(a, c) for _n, a, c in asking], briefs),
        requests=[_request(f, name) for f, name in repo.requests_of(need.id)],
        accounts=accounts,
        history=[
            StatusChangeRead(
                from_status=c.from_status,
                to_status=c.to_status,
                changed_by=who,
                note=c.note,
                tasks_created=c.tasks_created,
                changed_at=c.changed_at,
            )
            for c, who in repo.changes(need.id)
        ],
    )


def _request(row: object, account_name: str) -> RequestRow:
    return RequestRow.model_validate(
        {**{k: getattr(row, k) for k in RequestRow.model_fields if k != "account_name"}}
        | {"account_name": account_name}
    )


def open_needs(session: Session) -> list[NeedRead]:
    """The needs a new request can join: every need not shipped or declined, oldest first."""
    statuses = [s for s in NeedStatus if s not in CLOSING]
    return [
        NeedRead.model_validate(n, from_attributes=True)
        for n in NeedRepository(session).list_by_status(statuses)
    ]


def need_titles(session: Session, ids: Sequence[int]) -> dict[int, str]:
    wanted = set(ids)
    return {n.id: n.title for n in NeedRepository(session).list_by_status(()) if n.id in wanted}


def unlinked_requests(session: Session, limit: int = 100) -> list[RequestRow]:
    """Requests not grouped under a need yet (to link or to make a need from)."""
    return [_request(f, name) for f, name in NeedRepository(session).unlinked_requests(limit)]


def count_unlinked(session: Session) -> int:
    """How many requests wait to be grouped under a need (all of them)."""
    return NeedRepository(session).count_unlinked()


def group_request(
    session: Session, request_id: int, need: int | None, new_title: str | None
) -> int:
    """Put the request under ``need``, or (None) under a new need titled ``new_title``;
    returns the need's id."""
    if need is not None:
        link_requests(session, need, [request_id])
        return need
    title = (new_title or "").strip()
    if not title:
        raise InvalidInput(_("A need needs a title"), [FieldError(("title",), _("Enter a title"))])
    return create_need(session, NeedCreate(title=title, requests=[request_id])).id


def create_need(session: Session, data: NeedCreate) -> NeedRead:
    """A new need (status new), grouping ``data.requests`` when given."""
    repo = NeedRepository(session)
    _check_requests(repo, data.requests)
    need = repo.add(
        Need(title=data.title, description=data.description, effort_days=data.effort_days)
    )
    repo.add_change(NeedStatusChange(need_id=need.id, from_status=None, to_status=need.status))
    if data.requests:
        repo.set_need(data.requests, need.id)
    return NeedRead.model_validate(need, from_attributes=True)


def update_need(session: Session, need_id: int, data: NeedUpdate) -> NeedRead:
    need = _need(session, need_id)
    for name, value in data.model_dump(exclude_unset=True).items():
        if name == "title" and not value:
            continue  # a need keeps a title
        setattr(need, name, value)
    session.flush()
    return NeedRead.model_validate(need, from_attributes=True)


def _check_requests(repo: NeedRepository, ids: Sequence[int]) -> None:
    missing = sorted(set(ids) - repo.feedback_ids(ids))
    if missing:
        raise InvalidInput(
            _("No such request: {ids}", ids=", ".join(map(str, missing))),
            [FieldError(("requests",), _("No such request"), i) for i in missing],
        )


def link_requests(session: Session, need_id: int, request_ids: Sequence[int]) -> None:
    """Group the requests under the need (moving them from another need if they were)."""
    need = _need(session, need_id)
    repo = NeedRepository(session)
    _check_requests(repo, request_ids)
    repo.set_need(request_ids, need.id)


def unlink_requests(session: Session, need_id: int, request_ids: Sequence[int]) -> None:
    """Take the requests out of the need (those under another need stay there)."""
    need = _need(session, need_id)
    repo = NeedRepository(session)
    _check_requests(repo, request_ids)
    repo.set_need(request_ids, None, only_from=need.id)


def change_status(
    session: Session,
    need_id: int,
    change: StatusChange,
    *,
    user_id: int | None,
    today: date,
    default_locale: str,
) -> StatusChangeRead | None:
    """Record a change of status; None when the need already has it (nothing happens).

    A change to shipped or declined creates, once, a task for the owner of each account
    that asked: tell the customer, in the owner's language.
    """
    need = _need(session, need_id)
    if need.status == change.status:
        return None
    repo = NeedRepository(session)
    record = repo.add_change(
        NeedStatusChange(
            need_id=need.id,
            from_status=need.status,
            to_status=change.status,
            changed_by=user_id,
            note=change.note,
        )
    )
    need.status = change.status
    if change.status in CLOSING:
        tasks = _closing_tasks(repo, need, record, today, default_locale)
        repo.add_tasks(tasks)
        record.tasks_created = len(tasks)
    session.flush()
    return StatusChangeRead(
        from_status=record.from_status,
        to_status=record.to_status,
        changed_by=None,
        note=record.note,
        tasks_created=record.tasks_created,
        changed_at=record.changed_at,
    )


def _closing_tasks(
    repo: NeedRepository, need: Need, change: NeedStatusChange, today: date, default: str
) -> list[dict[str, object]]:
    asking = sorted({a for _n, a, _c in repo.asking([need.id])})
    accounts = repo.accounts(asking)
    tasks = []
    for account_id in asking:
        name, owner_id, locale = accounts[account_id]
        tasks.append(
            {
                "external_id": f"need-{need.id}-change-{change.id}-account-{account_id}",
                "account_id": account_id,
                "owner_id": owner_id,
                "title": _tell(need, name).render(locale or default),
                "description": change.note,
                "due_date": today + timedelta(days=TASK_DUE_DAYS),
                "status": TaskStatus.OPEN,
                "priority": Priority.NORMAL,
                "source": TaskSource.NEED,
            }
        )
    return tasks


def _tell(need: Need, account: str) -> Message:
    if need.status is NeedStatus.SHIPPED:
        return _('Tell {account} that "{need}" has shipped', account=account, need=need.title)
    return _('Tell {account} that "{need}" was declined', account=account, need=need.title)
