"""``kasasu refresh``: the daily job (features → churn risk, value → scores → touch models →
segments → playbooks, :func:`kasasu.jobs.daily.run_day`), or a backfill."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
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

from kasasu.cli.common import console, require_migrated, settings, t
from kasasu.db import create_db_engine
from kasasu.domain.dates import parse_date, today_in
from kasasu.errors import InvalidInput
from kasasu.jobs.daily import PAGES_STEP, DayResult, brings_latest_day, run_day
from kasasu.jobs.locking import refresh_lock
from kasasu.jobs.refresh import STEPS, OnStep, days_between
from kasasu.kit.i18n import N_, _
from kasasu.wiring import (
    digest_config,
    playbook_setup,
    refresh_config,
    survey_config,
    writeback_config,
)

STEP_LABELS = {
    "features": N_("Features"),
    "churn risk": N_("Churn risk"),
    "lifetime value": N_("Lifetime value"),
    "scores": N_("Health scores"),
    "touch models": N_("Touch models"),
    "segments": N_("Segments"),
    PAGES_STEP: N_("Pages computed ahead"),
}


def today_local() -> date:
    return today_in(settings().timezone)


def refresh(
    as_of: Annotated[
        str | None,
        typer.Option(help=N_("The day to refresh, e.g. 2026-10-01 (default: today, local)")),
    ] = None,
    backfill: Annotated[
        bool, typer.Option(help=N_("Build history: every day from --from to --to"))
    ] = False,
    first: Annotated[str | None, typer.Option("--from", help=N_("First day of a backfill"))] = None,
    last: Annotated[
        str | None, typer.Option("--to", help=N_("Last day of a backfill (default: today)"))
    ] = None,
    every: Annotated[
        int, typer.Option(min=1, help=N_("Backfill every N days (the last day always)"))
    ] = 1,
    skip_done: Annotated[
        bool, typer.Option(help=N_("Leave out the days that already have scores"))
    ] = False,
    playbooks: Annotated[
        bool,
        typer.Option(help=N_("Then run the playbooks, when the day refreshed is today")),
    ] = True,
    pages: Annotated[
        bool,
        typer.Option(
            help=N_(
                "Then compute the dashboard and KPI pages ahead, when the refresh brings "
                "the latest day"
            )
        ),
    ] = True,
    wait: Annotated[
        float,
        typer.Option(
            min=0,
            help=N_(
                "Seconds to wait for another refresh of the same day to finish "
                "(default: exit at once with code 6)"
            ),
        ),
    ] = 0.0,
) -> None:
    if backfill:
        if not first:
            raise InvalidInput(_("Write: kasasu refresh --backfill --from DATE --to DATE"))
        start, end = parse_date(first), parse_date(last) if last else today_local()
        if end < start:
            raise InvalidInput(_("--to must not be before --from"))
        days = days_between(start, end, every)
    else:
        days = [parse_date(as_of) if as_of else today_local()]
    engine = create_db_engine(settings().database_url)
    try:
        require_migrated(engine)
        acts = playbooks and settings().playbooks.enabled
        # One refresh per day at a time.
        ahead = pages and brings_latest_day(engine, days)  # run_day computes them then
        with refresh_lock(engine, days, wait) as lease, _bars(len(days), ahead) as on_step:
            ran = run_day(
                engine,
                days,
                refresh_config(settings()),
                playbook_setup(settings()) if acts else None,
                today=today_local(),
                backfill=backfill,
                on_step=on_step,
                skip_done=skip_done,
                keep=lease.keep,
                surveys=survey_config(settings()),
                warm=settings().reporting() if pages else None,
                digests=digest_config(settings()) if settings().digest.enabled else None,
                crm=writeback_config(settings()),
            )
        result, acted = ran.refresh, ran.playbooks
    finally:
        engine.dispose()
    for day in sorted(result.scored):
        console.print(
            t(
                "{day}: features for {features} accounts, {scored} scored",
                day=day.isoformat(),
                features=result.features.get(day, 0),
                scored=result.scored.get(day, 0),
            )
        )
    for day, model in sorted(result.models.items()):
        console.print(
            t(
                "{day}: churn model trained on {rows} account-days, cross-validated AUC {auc} "
                "(kasasu churn card)",
                day=day.isoformat(),
                rows=f"{model.rows:,}",
                auc=f"{model.cv_auc:.3f}",
            )
            if model
            else t(
                "{day}: no churn model yet (it needs features from six days at least 90 days back)",
                day=day.isoformat(),
            )
        )
    for day, fit in sorted(result.values.items()):
        console.print(
            t(
                "{day}: lifetime value of every paying account (sBG α {alpha}, β {beta}; "
                "serve → Renewals and churn → Lifetime value)",
                day=day.isoformat(),
                alpha=f"{fit.alpha:.3f}",
                beta=f"{fit.beta:.3f}",
            )
            # A day may have only the purchases' fit (no cohort churn to fit the sBG to).
            if fit and fit.alpha is not None and fit.beta is not None
            else t(
                "{day}: no lifetime value yet (the contracts show no cohort churn to fit)",
                day=day.isoformat(),
            )
        )
    if ran.owners is not None and ran.owners.assigned:
        console.print(
            t(
                "Ownership rules: {n} accounts given a CSM (kasasu serve → /ownership)",
                n=len(ran.owners.assigned),
            )
        )
    for outcome in ran.surveys or []:
        console.print(
            t(
                "Survey {name} (scheduled): {sent} invitations sent, {failed} failed",
                name=outcome.campaign,
                sent=outcome.sent,
                failed=outcome.failed,
            )
        )
    _outbound(ran)
    if acted is not None:
        console.print(
            t(
                "Playbooks: {fired} runs fired; actions {done} done, {failed} failed "
                "(kasasu playbooks log)",
                fired=acted.fired,
                done=acted.done,
                failed=acted.failed,
            )
        )


def _outbound(ran: DayResult) -> None:
    """What went out after the refresh of today: the daily digests and the CRM write-back."""
    if ran.digests is not None and (ran.digests.sent or ran.digests.failed):
        console.print(
            t(
                "Daily digests: {sent} sent, {failed} failed (kasasu digests send tries again)",
                sent=ran.digests.sent,
                failed=ran.digests.failed,
            )
        )
    if ran.crm is not None:
        sent = t(
            "CRM write-back: {sent} of {changed} changed accounts sent",
            sent=ran.crm.sent,
            changed=ran.crm.changed,
        )
        console.print(sent + (f" ({ran.crm.error})" if ran.crm.error else ""), highlight=False)


@contextmanager
def _bars(total: int, pages: bool = False) -> Iterator[OnStep]:
    """One Rich bar per step, counting days; and one for the pages computed ahead after
    the refresh of today (``pages``), which can take minutes on a large base."""
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=total == 1,
    )
    tasks: dict[str, TaskID] = {
        step: bars.add_task(t(STEP_LABELS[step]), total=total)
        for step in (*STEPS, PAGES_STEP)
        if step in STEPS or pages
    }

    def report(step: str, _day: date) -> None:
        bars.advance(tasks[step])

    with bars:
        yield report
