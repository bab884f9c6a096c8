"""``kasasu playbooks``: load, list, run (or dry-run) for a day, read the log, backtest."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from kasasu.cli.common import console, require_migrated, session_scope, settings, t
from kasasu.cli.refresh import today_local
from kasasu.db import create_db_engine
from kasasu.domain.dates import parse_date
from kasasu.jobs.playbooks import OnAction, PlaybookOutcome, run_playbooks
from kasasu.kit.i18n import N_
from kasasu.playbooks.actions import ACTION_KINDS
from kasasu.playbooks.schemas import RunRead
from kasasu.playbooks.service import (
    backtest_playbooks,
    ensure_default_playbooks,
    list_playbooks,
    parse_playbooks,
    playbook_log,
    save_playbook,
)
from kasasu.playbooks.triggers import trigger_words
from kasasu.wiring import playbook_setup

playbooks_app = typer.Typer(
    help=N_("Playbooks: a trigger, a condition and actions, run once per account and occurrence."),
    no_args_is_help=True,
)


@playbooks_app.command("load", help=N_("Validate a YAML list of playbooks and store them."))
def load(path: Annotated[Path, typer.Argument(help=N_("The YAML file"))]) -> None:
    playbooks = parse_playbooks(
        path.read_text(encoding="utf-8"),
        path.name,
        webhook_hosts=settings().playbooks.allowed_webhook_hosts(),
    )
    with session_scope() as session:
        for playbook in playbooks:
            save_playbook(session, playbook)
    console.print(t("{n} playbooks stored", n=len(playbooks)))


@playbooks_app.command("list", help=N_("The playbooks, their triggers and how often they fired."))
def list_command() -> None:
    locale = settings().locale
    with session_scope() as session:
        ensure_default_playbooks(session)
        found = list_playbooks(session)
    table = Table(t("Name"), t("Title"), t("Trigger"), t("On"), t("Runs"))
    for p in found:
        title = p.definition["title"]
        table.add_row(
            p.name,
            title if isinstance(title, str) else title[locale],
            trigger_words(p.definition["trigger"], locale),
            "✓" if p.enabled else "—",
            f"{p.runs:,}",
        )
    console.print(table)


@playbooks_app.command(
    "run", help=N_("Evaluate the playbooks for a day and carry out their actions once.")
)
def run(
    as_of: Annotated[
        str | None, typer.Option(help=N_("The refresh day (default: today, local)"))
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=N_("List what would happen; change nothing"))
    ] = False,
    playbook: Annotated[
        list[str] | None, typer.Option(help=N_("Only this playbook (repeatable)"))
    ] = None,
    show: Annotated[int, typer.Option(min=0, max=200, help=N_("Runs written out in full"))] = 20,
) -> None:
    day = parse_date(as_of) if as_of else today_local()
    engine = create_db_engine(settings().database_url)
    try:
        require_migrated(engine)
        with _bar() as on_action:
            outcome = run_playbooks(
                engine,
                day,
                playbook_setup(settings()),
                dry_run=dry_run,
                only=playbook or (),
                on_action=on_action,
            )
    finally:
        engine.dispose()
    _print_runs((outcome.runs or [])[:show])
    _print_tally(outcome.tally)
    _print_outcome(outcome)


# The action kinds in the registry's order, then the actions skipped at planning.
KIND_LABELS = {
    **{kind.type: kind.tally_label.msgid for kind in ACTION_KINDS.values()},
    "skipped": N_("Skipped"),
}
KINDS = tuple(KIND_LABELS)


def _print_tally(tally: dict[str, dict[str, int]]) -> None:
    if not tally:
        return
    kinds = [k for k in KINDS if any(k in counts for counts in tally.values())]
    table = Table(t("Playbook"), t("Runs"), *(t(KIND_LABELS[k]) for k in kinds))
    for name in sorted(tally):
        counts = tally[name]
        table.add_row(name, f"{counts['runs']:,}", *(f"{counts.get(k, 0):,}" for k in kinds))
    console.print(table)


def _print_outcome(o: PlaybookOutcome) -> None:
    if o.dry_run:
        console.print(
            t(
                "{day}, dry run: {fired} runs would fire; {skipped} skipped (fired before "
                "or cooling down); nothing was changed",
                day=o.day.isoformat(),
                fired=f"{o.fired:,}",
                skipped=f"{o.skipped:,}",
            )
        )
        return
    console.print(
        t(
            "{day}: {fired} runs fired, {skipped} skipped (fired before or cooling down); "
            "actions {done} done, {failed} failed",
            day=o.day.isoformat(),
            fired=f"{o.fired:,}",
            skipped=f"{o.skipped:,}",
            done=f"{o.done:,}",
            failed=f"{o.failed:,}",
        )
    )


def _print_runs(runs: list[RunRead]) -> None:
    for r in runs:
        console.print(
            f"[bold]{r.playbook}[/] · {r.account} · {r.trigger.get('summary', '')}", highlight=False
        )
        for a in r.actions:
            mark = {"done": "[green]✓[/]", "failed": "[red]✗[/]", "skipped": "[yellow]–[/]"}.get(
                a.status, "→"
            )
            error = f"  [red]{a.error}[/]" if a.error else ""
            console.print(f"  {mark} {a.summary}{error}", highlight=False)


@contextmanager
def _bar() -> Iterator[OnAction]:
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    )
    task = bars.add_task(t("Actions"), total=None)

    def advance(_action_id: int, _status: str | None, total: int) -> None:
        bars.update(task, total=total, advance=1)

    with bars:
        yield advance


@playbooks_app.command(
    "log", help=N_("The latest runs and every action's status, tries and error.")
)
def log(
    limit: Annotated[int, typer.Option(min=1, max=10_000, help=N_("How many runs"))] = 50,
    playbook: Annotated[str | None, typer.Option(help=N_("Only this playbook"))] = None,
    account: Annotated[int | None, typer.Option(help=N_("Only this account id"))] = None,
    status: Annotated[
        str | None,
        typer.Option(
            help=N_(
                "Only runs with an action in this status (done, failed, running, pending, skipped)"
            )
        ),
    ] = None,
) -> None:
    with session_scope() as session:
        runs = playbook_log(
            session,
            settings().locale,
            limit=limit,
            playbook=playbook,
            account_id=account,
            status=status,
        )
    for r in runs:
        console.print(f"[dim]{r.fired_on} #{r.id}[/] ", end="", highlight=False)
        _print_runs([r])
    console.print(t("{n} runs", n=len(runs)))


@playbooks_app.command(
    "backtest",
    help=N_(
        "Replay the refreshed history: accounts each playbook would have reached, "
        "and how many churned after."
    ),
)
def backtest(
    days: Annotated[
        int, typer.Option(min=14, max=3650, help=N_("Days of history to replay"))
    ] = 365,
    as_of: Annotated[
        str | None, typer.Option(help=N_("The last day (default: today, local)"))
    ] = None,
    playbook: Annotated[
        list[str] | None, typer.Option(help=N_("Only this playbook (repeatable)"))
    ] = None,
) -> None:
    last = parse_date(as_of) if as_of else today_local()
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    )
    replay = bars.add_task(t("Refreshed days replayed"), total=None)
    with session_scope() as session, bars:
        ensure_default_playbooks(session)
        report = backtest_playbooks(
            session,
            last,
            days,
            settings().timezone,
            playbook or (),
            tick=lambda done, total: bars.update(replay, completed=done, total=total),
        )
    base = report.base_rate
    console.print(
        t(
            "{first} … {last}, {days} refreshed days: {paying} accounts paying, "
            "{churned} of them churned ({rate})",
            first=report.first.isoformat(),
            last=report.last.isoformat(),
            days=report.days,
            paying=f"{report.paying:,}",
            churned=f"{report.churned:,}",
            rate=_percent(base),
        )
    )
    table = Table(
        t("Playbook"), t("Accounts reached"), t("Churned after"), t("Churn rate"), t("× base rate")
    )
    for r in report.playbooks:
        rate = r.churn_rate
        lift = f"{rate / base:.1f}" if rate is not None and base else "—"
        table.add_row(r.name, f"{r.reached:,}", f"{r.churned:,}", _percent(rate), lift)
    console.print(table)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate:.1%}"
