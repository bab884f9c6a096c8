"""The ``kasasu`` command (Typer + Rich).

Each sub-command's module is imported only when that command runs (or when ``--help`` lists
them all), so that ``kasasu init`` does not load the web application, ibis and the rest.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer import _click as click  # Typer ships its own click: its commands are of these types
from typer.core import TyperGroup

from kasasu.cli.common import cli_origin, fail, help_locale, localize_help
from kasasu.db.audit import acting
from kasasu.errors import KasasuError
from kasasu.kit.i18n import N_

# name → (module, attribute, help). An attribute with a help is a command function; one
# without is a Typer sub-app that carries its own help. In the order ``--help`` lists them:
# commands first, then groups, as Typer orders the commands it registers itself.
COMMANDS: dict[str, tuple[str, str, str | None]] = {
    "init": (
        "kasasu.cli.admin",
        "init",
        N_("Create the data directory and bring the database schema up to date."),
    ),
    "serve": (
        "kasasu.cli.serve",
        "serve",
        N_("Serve Kasasu (web pages and /api/v1) until stopped with Ctrl+C."),
    ),
    "worker": (
        "kasasu.cli.worker",
        "worker",
        N_(
            "Run the scheduled jobs (the daily refresh, reminders, the connectors' drop "
            "folder and feeds) until SIGTERM or Ctrl+C; with KASASU_REFRESH__SCHEDULED=false "
            "on kasasu serve. Several workers run each job once."
        ),
    ),
    "demo": (
        "kasasu.cli.demo",
        "demo",
        N_(
            "Generate a deterministic Japanese demo company: accounts, contracts, tickets, "
            "usage. The data ends at the start of the as-of day; the same options give the "
            "same data."
        ),
    ),
    "import": (
        "kasasu.cli.imports",
        "import_command",
        N_(
            "Import accounts, contacts, subscriptions, tickets, survey responses, activities, "
            "onboarding milestones, feedback or usage events. Rows are matched by external id, "
            "so importing the same file again changes nothing."
        ),
    ),
    "metrics": (
        "kasasu.cli.metrics",
        "metrics_command",
        N_(
            "KPIs by period (DESIGN.md §4) as a table, JSON or CSV; "
            "'kasasu metrics explain NAME --period YYYY-MM' lists the accounts behind a figure."
        ),
    ),
    "report": (
        "kasasu.cli.report",
        "report_command",
        N_(
            "An Excel workbook of the KPIs for a month and the 11 months before it, to share: "
            "'kasasu report --period YYYY-MM --out FILE.xlsx'."
        ),
    ),
    "refresh": (
        "kasasu.cli.refresh",
        "refresh",
        N_(
            "The daily refresh: usage and account features, health scores and touch models "
            "for a day (default today), each step in its own transaction; a re-run replaces "
            "that day. --backfill --from DATE --to DATE builds history."
        ),
    ),
    "loyal": (
        "kasasu.cli.needs",
        "loyal",
        N_(
            "Loyal customers (ロイヤルカスタマー) at a month's end: the KPI loyal_customers' "
            "accounts, green on the latest refresh unless --any-health, with MRR, tenure and "
            "latest NPS."
        ),
    ),
    "advocates": (
        "kasasu.cli.needs",
        "advocates_command",
        N_(
            "Promoters (latest NPS 9–10) who agreed to be a reference, for case studies and "
            "referral requests; --agree/--withdraw CONTACT_ID records a contact's answer."
        ),
    ),
    "backup": (
        "kasasu.cli.backup",
        "backup",
        N_(
            "Copy the database, the event store and the settings the figures depend on into "
            "a new folder, with a manifest of checksums (docs/operations.md)."
        ),
    ),
    "restore": (
        "kasasu.cli.backup",
        "restore",
        N_(
            "Restore a backup of the same Kasasu version into an empty installation; the row "
            "counts are checked after."
        ),
    ),
    "health": ("kasasu.cli.health", "health_app", None),
    "segments": ("kasasu.cli.segments", "segments_app", None),
    "playbooks": ("kasasu.cli.playbooks", "playbooks_app", None),
    "digests": ("kasasu.cli.digests", "digests_app", None),
    "surveys": ("kasasu.cli.surveys", "surveys_app", None),
    "voice": ("kasasu.cli.voice", "voice_app", None),
    "needs": ("kasasu.cli.needs", "needs_app", None),
    "onboarding": ("kasasu.cli.onboarding", "onboarding_app", None),
    "sdk": ("kasasu.cli.sdk", "sdk_app", None),
    "guides": ("kasasu.cli.guides", "guides_app", None),
    "webinars": ("kasasu.cli.webinars", "webinars_app", None),
    "churn": ("kasasu.cli.churn", "churn_app", None),
    "renewals": ("kasasu.cli.renewals", "renewals_app", None),
    "sources": ("kasasu.cli.sources", "sources_app", None),
    "sync": ("kasasu.cli.sync", "sync_app", None),
    "db": ("kasasu.cli.admin", "db_app", None),
    "user": ("kasasu.cli.admin", "user_app", None),
    "apikey": ("kasasu.cli.admin", "apikey_app", None),
    "audit": ("kasasu.cli.audit", "audit_app", None),
    "export": ("kasasu.cli.export", "export_app", None),
}


def load_command(name: str) -> click.Command:
    """Import one sub-command's module and build its click command."""
    module, attribute, help_text = COMMANDS[name]
    target: Any = getattr(importlib.import_module(module), attribute)
    command: click.Command
    if help_text is None:
        command = typer.main.get_group(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name, help=help_text)(target)
        command = typer.main.get_command(single)
    command.name = name
    return command


class LazyCommands(TyperGroup):
    """The root group: lists every command by name, imports one when it is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        command = load_command(cmd_name)
        localize_help(command, help_locale())
        return command


app = typer.Typer(
    name="kasasu",
    help=N_("Kasasu (カサス): customer success platform."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=LazyCommands,
)


@app.callback()
def _root() -> None:
    # A callback makes the root a group although its commands are registered lazily.
    pass


def main() -> None:
    command = typer.main.get_command(app)
    localize_help(command, help_locale())
    try:
        with acting(cli_origin()):  # the jobs a command runs write as "cli" too
            command(prog_name="kasasu")
    except KasasuError as error:
        raise SystemExit(fail(error).exit_code) from None
