"""``kasasu webinars``: the events with their counts, importing a meeting tool's attendance
export, and sending the invitations and reminders due now (docs/webinars.md)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kasasu.cli.common import (
    console,
    send_due_mail,
    session_scope,
    settings,
    t,
)
from kasasu.cli.onboarding import when_local
from kasasu.imports.attendance import import_attendance
from kasasu.kit.choices import label
from kasasu.kit.i18n import N_
from kasasu.kit.types import local_text
from kasasu.webinars.service import list_webinars

webinars_app = typer.Typer(
    help=N_("Events and webinars (docs/webinars.md): list, attendance import, reminders."),
    no_args_is_help=True,
)
PAGE = 200


@webinars_app.command("list", help=N_("Every event, the latest first, with its counts."))
def list_command() -> None:
    config, now = settings(), datetime.now(UTC)
    table = Table(t("ID"), t("Kind"), t("Title"), t("Starts"), t("Registered"), t("Attended"),
                  t("No-shows"))  # fmt: skip
    with session_scope() as session:
        offset, total = 0, 1
        while offset < total:  # every page: the table covers every event
            found, total = list_webinars(session, now, offset, PAGE)
            offset += PAGE
            for item in found:
                w, c = item.webinar, item.counts
                table.add_row(str(w.id), label(w.kind).render(config.locale),
                              local_text(w.title, config.locale),
                              when_local(w.starts_at, config.timezone), str(c.registered),
                              str(c.attended), str(c.no_shows))  # fmt: skip
    console.print(table)


@webinars_app.command(
    "import-attendance",
    help=N_("Record who came from a Zoom, Teams or Google Meet attendance export."),
)
def import_command(
    event: Annotated[int, typer.Argument(help=N_("The event's id (see 'kasasu webinars list')"))],
    path: Annotated[Path, typer.Argument(help=N_("The attendance export (CSV, TSV or .xlsx)"))],
) -> None:
    config = settings()
    data = path.read_bytes()
    with session_scope() as session:
        outcome = import_attendance(
            session,
            event,
            data,
            path.name,
            zone=config.timezone,
            now=datetime.now(UTC),
            events_path=config.events_path,
        )
    console.print(
        t(
            "{vendor}: {rows} people; {attended} newly attended ({walk_ins} without "
            "registering), {no_shows} no-shows, {unmatched} addresses of no contact, "
            "{without} without an address",
            vendor=outcome.vendor,
            rows=outcome.rows,
            attended=outcome.attended,
            walk_ins=outcome.walk_ins,
            no_shows=outcome.no_shows,
            unmatched=len(outcome.unmatched),
            without=outcome.without_email,
        )
    )
    for address in outcome.unmatched:
        console.print(f"  {address}", highlight=False)


@webinars_app.command(
    "remind", help=N_("Send the event invitations and reminders due now; record no-shows.")
)
def remind() -> None:
    from kasasu.jobs.webinars import remind_event_guests
    from kasasu.wiring import event_mail_config

    send_due_mail(
        lambda engine, config: remind_event_guests(engine, event_mail_config(config)),
        t("Event emails are being sent by another run; nothing done"),
    )
