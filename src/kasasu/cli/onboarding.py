"""``kasasu onboarding``: plan templates (load, list, show), an account's plan (start,
status) and its steps (tick, reopen)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kasasu.accounts.service import account_id_for
from kasasu.cli.common import console, session_scope, settings, t
from kasasu.cli.refresh import today_local
from kasasu.domain.checked import validated
from kasasu.domain.choices import label
from kasasu.domain.dates import parse_date
from kasasu.kit.i18n import N_, _
from kasasu.kit.types import local_text
from kasasu.onboarding.schemas import OnboardingRead, OnboardingStart
from kasasu.onboarding.service import onboarding_of, reopen_step, start_onboarding, tick_step
from kasasu.onboarding.templates import (
    get_template,
    list_templates,
    parse_template,
    save_template,
)

onboarding_app = typer.Typer(
    help=N_("Onboarding plans (オンボーディング): templates, each account's plan and its steps."),
    no_args_is_help=True,
)
ACCOUNT = N_("External id (e.g. ACC-0001) or id")


@onboarding_app.command(
    "load", help=N_("Validate a template YAML file and store it as a new version.")
)
def load(path: Annotated[Path, typer.Argument(help=N_("The YAML file"))]) -> None:
    template = parse_template(path.read_text(encoding="utf-8"), str(path))
    with session_scope() as session:
        saved = save_template(session, template)
    console.print(
        t("Template {name} is at version {version}", name=saved.name, version=saved.version)
    )


@onboarding_app.command("templates", help=N_("The templates, in the order they are tried."))
def templates() -> None:
    locale = settings().locale
    with session_scope() as session:
        found = list_templates(session)
    table = Table(t("Name"), t("Version"), t("Title"), t("Applies to"), t("Steps"))
    for tpl in found:
        d = tpl.definition
        applies = ", ".join(f"{k}={v}" for k, v in d.get("applies_to", {}).items())
        if d.get("segment"):
            applies = ", ".join(filter(None, [applies, f"segment={d['segment']}"]))
        steps = sum(len(stage["steps"]) for stage in d["stages"])
        table.add_row(
            tpl.name,
            str(tpl.version),
            local_text(d["title"], locale),
            applies or t("every account"),
            str(steps),
        )
    console.print(table)


@onboarding_app.command("show", help=N_("A template's latest version as YAML."))
def show(name: Annotated[str, typer.Argument(help=N_("Template name"))]) -> None:
    import yaml

    with session_scope() as session:
        tpl = get_template(session, name)
    typer.echo(f"# {tpl.name} v{tpl.version}")
    typer.echo(yaml.safe_dump(tpl.definition, allow_unicode=True, sort_keys=False), nl=False)


@onboarding_app.command(
    "start", help=N_("Start a plan on an account (its CS-team steps become tasks).")
)
def start(
    account: Annotated[str, typer.Argument(help=ACCOUNT)],
    template: Annotated[
        str | None, typer.Option(help=N_("Template name (default: the one that applies)"))
    ] = None,
    start_day: Annotated[
        str | None,
        typer.Option("--from", help=N_("Day the steps count from (default: the contract start)")),
    ] = None,
) -> None:
    config = settings()
    asked = {"template": template, "started_on": parse_date(start_day) if start_day else None}
    data = validated(OnboardingStart, asked, _("The onboarding plan cannot start"))
    with session_scope() as session:
        plan = start_onboarding(
            session,
            account_id_for(session, account),
            data,
            by=None,
            locale=config.locale,
            today=today_local(),
        )
    _print_plan(plan)


@onboarding_app.command("status", help=N_("An account's plan, step by step."))
def status(account: Annotated[str, typer.Argument(help=ACCOUNT)]) -> None:
    with session_scope() as session:
        plan = onboarding_of(session, account_id_for(session, account))
    _print_plan(plan)


@onboarding_app.command("tick", help=N_("Mark a step done (STEP: the id shown by status)."))
def tick(step: Annotated[int, typer.Argument(help=N_("Step id"))]) -> None:
    with session_scope() as session:
        done = tick_step(session, step, by=None, at=datetime.now(UTC))
    console.print(t("Done: {name}", name=done.name))


@onboarding_app.command("reopen", help=N_("Open a done step again."))
def reopen(step: Annotated[int, typer.Argument(help=N_("Step id"))]) -> None:
    with session_scope() as session:
        opened = reopen_step(session, step)
    console.print(t("Open again: {name}", name=opened.name))


def _print_plan(plan: OnboardingRead) -> None:
    locale = settings().locale
    done = sum(s.done_at is not None for s in plan.steps)
    console.print(
        t(
            "{template} v{version} from {day}: {done} of {total} steps done",
            template=plan.template,
            version=plan.version,
            day=plan.started_on.isoformat(),
            done=done,
            total=len(plan.steps),
        )
    )
    table = Table(t("ID"), t("Stage"), t("Step"), t("Side"), t("Due"), t("Done"))
    for s in plan.steps:
        name = f"★ {s.name}" if s.is_first_value else s.name
        table.add_row(
            str(s.id),
            s.stage or "",
            name,
            label(s.side).render(locale),
            s.due_date.isoformat() if s.due_date else "—",
            s.done_at.date().isoformat() if s.done_at else "—",
        )
    console.print(table)
