"""``kasasu onboarding``: plan templates (load, list, show), an account's plan (start,
status), its steps (tick, reopen), its meetings with the customer (meet, meetings) and the
customer's reminders (remind)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.table import Table

from kasasu.accounts.service import account_id_for
from kasasu.cli.common import (
    console,
    send_due_mail,
    session_scope,
    settings,
    t,
)
from kasasu.cli.refresh import today_local
from kasasu.domain.checked import validated
from kasasu.domain.choices import MeetingKind
from kasasu.domain.dates import parse_date, parse_instant
from kasasu.errors import InvalidInput
from kasasu.kit.choices import label, parse_choice
from kasasu.kit.i18n import N_, _
from kasasu.kit.types import local_text
from kasasu.onboarding.meeting_schemas import MeetingCreate, MeetingRead
from kasasu.onboarding.meetings import contacts_named, list_meetings, schedule_meeting
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


@onboarding_app.command(
    "meet", help=N_("Schedule a meeting on an account's plan (the reminders send its invitation).")
)
def meet(
    account: Annotated[str, typer.Argument(help=ACCOUNT)],
    kind: Annotated[str, typer.Option(help=N_("kickoff, training or review"))],
    at: Annotated[str, typer.Option(help=N_("Start, local time (e.g. 2026/12/10 14:00)"))],
    minutes: Annotated[int, typer.Option(help=N_("Length in minutes"))] = 60,
    title: Annotated[str, typer.Option(help=N_("Title (default: the kind's name)"))] = "",
    place: Annotated[str, typer.Option(help=N_("A room, an address or a URL"))] = "",
    contact: Annotated[
        list[str] | None,
        typer.Option(help=N_("Email, external id or id; repeat it (default: key contacts)")),
    ] = None,
    language: Annotated[
        str | None, typer.Option(help=N_("Language of its mail: ja or en (default: the plan's)"))
    ] = None,
) -> None:
    config = settings()
    chosen = parse_choice(MeetingKind, kind)
    if chosen is None:
        raise InvalidInput(_("Not a kind of meeting: {value}", value=kind))
    starts = parse_instant(at, config.timezone)
    with session_scope() as session:
        account_id = account_id_for(session, account)
        asked = {
            "kind": chosen,
            "title": title,
            "starts_at": starts,
            "duration_minutes": minutes,
            "place": place or None,
            "contact_ids": contacts_named(session, account_id, contact or []),
            "locale": language,
        }
        data = validated(MeetingCreate, asked, _("The meeting cannot be scheduled"))
        made = schedule_meeting(session, account_id, data, by=None, locale=config.locale)
    _print_meetings([made])


@onboarding_app.command("meetings", help=N_("An account's meetings, with replies and attendance."))
def meetings(account: Annotated[str, typer.Argument(help=ACCOUNT)]) -> None:
    with session_scope() as session:
        found = list_meetings(session, account_id_for(session, account))
    _print_meetings(found)


@onboarding_app.command(
    "remind", help=N_("Send the customer's reminders due now (meetings, steps due or overdue).")
)
def remind() -> None:
    from kasasu.jobs.reminders import remind_customers
    from kasasu.wiring import reminder_config

    send_due_mail(
        lambda engine, config: remind_customers(engine, reminder_config(config)),
        t("Reminders are being sent by another run; nothing done"),
    )


def _print_meetings(found: list[MeetingRead]) -> None:
    config = settings()
    table = Table(t("ID"), t("Kind"), t("Title"), t("Start"), t("Status"), t("Invited"))
    for m in found:
        people = ", ".join(f"{i.name} ({label(i.rsvp).render(config.locale)})" for i in m.invitees)
        table.add_row(
            str(m.id),
            label(m.kind).render(config.locale),
            m.title,
            when_local(m.starts_at, config.timezone),
            label(m.status).render(config.locale),
            people,
        )
    console.print(table)


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


def when_local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
