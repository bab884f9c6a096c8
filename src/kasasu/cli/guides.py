"""``kasasu guides``: in-app guides from YAML, their list, publishing and their report."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kasasu.cli.common import console, session_scope, t
from kasasu.guides.authoring import (
    create_guide,
    get_guide,
    list_guides,
    parse_guides,
    publish,
    save_draft,
    set_paused,
)
from kasasu.guides.report import guide_report
from kasasu.kit.i18n import N_

guides_app = typer.Typer(
    help=N_("In-app guides (docs/guides.md): tooltips, walkthroughs, announcements, checklists."),
    no_args_is_help=True,
)
KEY = N_("The guide's key")


@guides_app.command(
    "load", help=N_("Store the guides of a YAML file as drafts (new ones, or a new draft).")
)
def load(
    path: Annotated[Path, typer.Argument(help=N_("The YAML file: one guide or a list"))],
    publish_them: Annotated[
        bool, typer.Option("--publish", help=N_("Publish each guide once stored"))
    ] = False,
) -> None:
    guides = parse_guides(path.read_text(encoding="utf-8"), str(path))
    with session_scope() as session:
        known = {g.key for g in list_guides(session)}
        for guide in guides:
            if guide.key in known:
                save_draft(session, guide.key, guide.definition, name=guide.name)
            else:
                create_guide(session, guide)
            if publish_them:
                publish(session, guide.key, by=None, now=datetime.now(UTC))
    console.print(t("{count} guides stored", count=len(guides)))


@guides_app.command("list", help=N_("The guides, their kind, environment and version."))
def list_command() -> None:
    with session_scope() as session:
        found = list_guides(session)
    table = Table(t("Key"), t("Name"), t("Kind"), t("Environment"), t("Version"), t("Status"))
    for g in found:
        status = t("Draft") if g.published_version is None else t("Paused") if g.paused else ""
        table.add_row(
            g.key, g.name, g.kind.value, g.environment, str(g.published_version or "—"), status
        )
    console.print(table)


@guides_app.command("publish", help=N_("Publish a guide's draft as its next version."))
def publish_command(key: Annotated[str, typer.Argument(help=KEY)]) -> None:
    with session_scope() as session:
        done = publish(session, key, by=None, now=datetime.now(UTC))
    console.print(t("Live, version {version}", version=done.published_version))


@guides_app.command("pause", help=N_("Hide a published guide (--resume shows it again)."))
def pause(
    key: Annotated[str, typer.Argument(help=KEY)],
    resume: Annotated[bool, typer.Option("--resume", help=N_("Show it again"))] = False,
) -> None:
    with session_scope() as session:
        set_paused(session, key, paused=not resume, now=datetime.now(UTC))
        shown = get_guide(session, key)
    console.print(
        t("Paused")
        if shown.paused
        else t("Live, version {version}", version=shown.published_version)
    )


@guides_app.command("report", help=N_("Reach, completion by step and tickets on its topic."))
def report(key: Annotated[str, typer.Argument(help=KEY)]) -> None:
    with session_scope() as session:
        found = guide_report(session, key, datetime.now(UTC))
    console.print(
        t(
            "{name}: {users} users shown in {accounts} accounts; {completed} completed, "
            "{dismissed} dismissed",
            name=found.name,
            users=found.users_shown,
            accounts=found.accounts_reached,
            completed=found.completed,
            dismissed=found.dismissed,
        )
    )
    table = Table(t("Step"), t("Title"), t("Users who completed it"))
    for step in found.steps:
        table.add_row(str(step.step), step.title, f"{step.users:,}")
    console.print(table)
    if found.tickets:
        tk = found.tickets
        console.print(
            t(
                "Tickets whose subject holds {words}: {before} in the {days} days before it "
                "went live, {after} in the {days} days after.",
                words=", ".join(tk.words),
                before=tk.before,
                after=tk.after,
                days=tk.days,
            )
        )
