"""``kasasu needs``: the needs board (要望管理); ``kasasu loyal`` and ``kasasu advocates``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kasasu.advocacy.service import advocates, loyal_customers, set_reference
from kasasu.cli.common import console, session_scope, settings, t
from kasasu.cli.refresh import today_local
from kasasu.domain.choices import NeedStatus
from kasasu.domain.money import format_money
from kasasu.domain.periods import parse_month
from kasasu.kit.choices import label
from kasasu.kit.i18n import N_
from kasasu.metrics.schemas import MetricQuery
from kasasu.needs.schemas import NeedCreate, NeedRow, StatusChange
from kasasu.needs.service import (
    change_status,
    create_need,
    get_need,
    link_requests,
    need_board,
    unlink_requests,
)
from kasasu.warehouse.source import AnalyticsSource

needs_app = typer.Typer(
    help=N_("Needs (要望): requests grouped by theme, ranked by ARR at stake and effort."),
    no_args_is_help=True,
)


def _money(amount: float) -> str:
    config = settings()
    return format_money(amount, config.currency, config.locale)


def _status(status: NeedStatus) -> str:
    return label(status).render(settings().locale)


def _board_table(rows: list[NeedRow]) -> Table:
    table = Table(
        t("ID"),
        t("Need"),
        t("Status"),
        t("Accounts"),
        t("ARR at stake"),
        t("At risk"),
        t("ARR at risk"),
        t("Effort (person-days)"),
        t("ARR per effort day"),
    )
    for r in rows:
        table.add_row(
            str(r.id),
            r.title,
            _status(r.status),
            f"{r.accounts:,}",
            _money(r.arr),
            f"{r.at_risk:,}",
            _money(r.arr_at_risk),
            "—" if r.effort_days is None else f"{r.effort_days:,}",
            "—" if r.value_for_effort is None else _money(r.value_for_effort),
        )
    return table


@needs_app.command("list", help=N_("Needs ranked by ARR at stake ÷ effort; unestimated apart."))
def list_command(
    status: Annotated[
        list[NeedStatus] | None, typer.Option(help=N_("Only needs in this status (repeatable)"))
    ] = None,
) -> None:
    with session_scope() as session:
        board = need_board(session, status or [], settings().currency)
    console.print(t("MRR and bands of the refresh of {day}", day=str(board.as_of or "—")))
    console.print(_board_table(board.ranked))
    if board.not_estimated:
        console.print(t("Not estimated"))
        console.print(_board_table(board.not_estimated))


@needs_app.command("show", help=N_("A need: its figures, the accounts asking and its requests."))
def show(need_id: Annotated[int, typer.Argument(help=N_("Need ID"))]) -> None:
    with session_scope() as session:
        detail = get_need(session, need_id)
    console.print(_board_table([detail.row]))
    if detail.need.description:
        console.print(detail.need.description, highlight=False)
    accounts = Table(t("Account"), t("Requests"), t("ARR"), t("Health"))
    for a in detail.accounts:
        accounts.add_row(a.name, f"{a.requests:,}", _money(a.arr), a.band or "—")
    console.print(accounts)
    requests = Table(t("ID"), t("Account"), t("Request"), t("Created"))
    for r in detail.requests:
        requests.add_row(str(r.id), r.account_name, r.title, r.created_at.date().isoformat())
    console.print(requests)


@needs_app.command("create", help=N_("Make a need from requests (feedback ids)."))
def create(
    title: Annotated[str, typer.Argument(help=N_("Title of the need"))],
    requests: Annotated[list[int] | None, typer.Argument(help=N_("Request IDs"))] = None,
    effort: Annotated[int | None, typer.Option(help=N_("Effort in person-days"))] = None,
) -> None:
    data = NeedCreate(title=title, effort_days=effort, requests=requests or [])
    with session_scope() as session:
        need = create_need(session, data)
    console.print(t("Need {id} created", id=need.id))


@needs_app.command("link", help=N_("Group requests (feedback ids) under a need."))
def link(
    need_id: Annotated[int, typer.Argument(help=N_("Need ID"))],
    requests: Annotated[list[int], typer.Argument(help=N_("Request IDs"))],
    remove: Annotated[bool, typer.Option(help=N_("Take them out of the need instead"))] = False,
) -> None:
    with session_scope() as session:
        if remove:
            unlink_requests(session, need_id, requests)
        else:
            link_requests(session, need_id, requests)
    console.print(t("{n} requests updated", n=len(requests)))


@needs_app.command("status", help=N_("Change a need's status; shipped/declined tasks the owners."))
def status_command(
    need_id: Annotated[int, typer.Argument(help=N_("Need ID"))],
    status: Annotated[NeedStatus, typer.Argument(help=N_("The new status"))],
    note: Annotated[str | None, typer.Option(help=N_("A note for the history and tasks"))] = None,
) -> None:
    config = settings()
    with session_scope() as session:
        done = change_status(
            session,
            need_id,
            StatusChange(status=status, note=note),
            user_id=None,
            today=today_local(),
            default_locale=config.locale,
        )
    if done is None:
        console.print(t("The need already has this status; nothing changed"))
    else:
        console.print(t("Status changed; {n} tasks created", n=done.tasks_created))


def loyal(
    month: Annotated[str | None, typer.Option(help=N_("YYYY-MM (default: this month)"))] = None,
    any_health: Annotated[
        bool, typer.Option(help=N_("Also accounts that are not green on the latest refresh"))
    ] = False,
) -> None:
    config = settings()
    day = parse_month(month) if month else today_local().replace(day=1)
    query = MetricQuery.reported(config.reporting(), ("loyal_customers",), day)
    with session_scope() as session:
        found = loyal_customers(
            session,
            day,
            query,
            require_green=not any_health,
            source=AnalyticsSource(events_path=config.events_path),
        )
    table = Table(t("Account"), t("MRR"), t("Tenure (months)"), t("Latest NPS"), t("Health"))
    for r in found.customers:
        tenure = "—" if r.tenure_months is None else str(r.tenure_months)
        table.add_row(r.name, _money(r.mrr), tenure, str(r.nps), r.band or "—")
    console.print(t("Loyal customers at the end of {period}", period=found.period))
    console.print(table)


def advocates_command(
    agree: Annotated[
        int | None, typer.Option(help=N_("Record that this contact agreed to be a reference"))
    ] = None,
    withdraw: Annotated[
        int | None, typer.Option(help=N_("Record that this contact no longer agrees"))
    ] = None,
) -> None:
    with session_scope() as session:
        for contact_id, agreed in ((agree, True), (withdraw, False)):
            if contact_id is not None:
                set_reference(session, contact_id, agreed=agreed)
        found = advocates(session)
    table = Table(t("Contact"), t("Email"), t("Account"), t("Latest NPS"), t("Answered"))
    for a in found:
        table.add_row(
            a.name, a.email or "—", a.account_name, str(a.score), a.answered_at.date().isoformat()
        )
    console.print(table)
