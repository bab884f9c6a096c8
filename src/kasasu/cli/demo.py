"""``kasasu demo``: fill an empty Kasasu with the deterministic Japanese demo company."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from kasasu.cli.common import console, session_scope, settings, t
from kasasu.demo.schemas import (
    DEFAULT_ACCOUNTS,
    DEFAULT_MONTHS,
    DEFAULT_SEED,
    DemoOptions,
    DemoSummary,
    ProgressCallback,
)
from kasasu.domain.dates import parse_date, today_in
from kasasu.kit.i18n import N_, Message


@contextmanager
def _progress_bars() -> Iterator[ProgressCallback]:
    """One Rich bar per step the service reports, labelled in the configured locale."""
    locale = settings().locale
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    bars = Progress(*columns, console=console)
    tasks: dict[str, TaskID] = {}

    def report(step: Message, done: int, total: int) -> None:
        if not tasks:
            bars.start()  # only now: a skipped run prints no empty bar
        if step.msgid not in tasks:
            tasks[step.msgid] = bars.add_task(step.render(locale), total=total)
        bars.update(tasks[step.msgid], completed=done, total=total)

    try:
        yield report
    finally:
        bars.stop()


def demo(
    accounts: Annotated[
        int, typer.Option(help=N_("Number of customer accounts"))
    ] = DEFAULT_ACCOUNTS,
    months: Annotated[
        int, typer.Option(help=N_("Months of history, ending at the as-of date"))
    ] = DEFAULT_MONTHS,
    seed: Annotated[
        int, typer.Option(help=N_("Random seed; the same seed gives the same data"))
    ] = DEFAULT_SEED,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help=N_("Day the data ends, e.g. 2026/11/22 (default: today)")),
    ] = None,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help=N_("Do nothing when accounts already exist"))
    ] = False,
) -> None:
    config = settings()
    from kasasu.demo.service import generate_demo  # faker: loaded only for this command
    from kasasu.playbooks.definitions import ensure_default_playbooks

    day = parse_date(as_of) if as_of else today_in(config.timezone)
    options = DemoOptions(
        as_of=day,
        zone=config.timezone,
        currency=config.currency,
        accounts=accounts,
        months=months,
        seed=seed,
    )
    with session_scope() as session, _progress_bars() as report:
        summary = generate_demo(
            session, options, events_path=config.events_path, if_empty=if_empty, progress=report
        )
        if not summary.skipped:  # the shipped playbooks, as a new team starts with them
            ensure_default_playbooks(session)
    _print_summary(summary)


def _print_summary(summary: DemoSummary) -> None:
    if summary.skipped:
        console.print(
            t(
                "The database already has {count} accounts; no demo data was added",
                count=f"{summary.existing_accounts:,}",
            )
        )
        return
    console.print(
        t(
            "Demo company created: {accounts} accounts, {subscriptions} contracts and "
            "{events} usage events from {first} to {last}",
            accounts=f"{summary.rows.get('accounts', 0):,}",
            subscriptions=f"{summary.rows.get('subscriptions', 0):,}",
            events=f"{summary.events:,}",
            first=f"{summary.first_day:%Y/%m/%d}",
            last=f"{summary.last_day:%Y/%m/%d}",
        )
    )
    if summary.sdk:
        key, secret = summary.sdk
        console.print(
            t(
                "In-app guides in the sample product (docs/guides.md): {command}",
                command=(
                    "python examples/host-app/server.py --kasasu http://127.0.0.1:8000 "
                    f"--key {key} --secret {secret} --account ACC-00001 --user u-1"
                ),
            )
        )
