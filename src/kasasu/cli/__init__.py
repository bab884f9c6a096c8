"""The ``kasasu`` command (Typer + Rich)."""

from __future__ import annotations

import typer

from kasasu.cli.admin import apikey_app, db_app, init, user_app
from kasasu.cli.audit import audit_app
from kasasu.cli.common import cli_origin, fail, help_locale, localize_help
from kasasu.cli.demo import demo
from kasasu.cli.health import health_app
from kasasu.cli.imports import import_command
from kasasu.cli.metrics import metrics_command
from kasasu.cli.needs import advocates_command, loyal, needs_app
from kasasu.cli.playbooks import playbooks_app
from kasasu.cli.refresh import refresh
from kasasu.cli.report import report_command
from kasasu.cli.segments import segments_app
from kasasu.cli.serve import serve
from kasasu.cli.surveys import surveys_app
from kasasu.cli.voice import voice_app
from kasasu.db.audit import acting
from kasasu.errors import KasasuError
from kasasu.kit.i18n import N_

app = typer.Typer(
    name="kasasu",
    help=N_("Kasasu (カサス): customer success platform."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command(help=N_("Create the data directory and bring the database schema up to date."))(init)
app.command(help=N_("Serve Kasasu (web pages and /api/v1) until stopped with Ctrl+C."))(serve)
app.command(
    help=N_(
        "Generate a deterministic Japanese demo company: accounts, contracts, tickets, usage. "
        "The data ends at the start of the as-of day; the same options give the same data."
    )
)(demo)
app.command(
    "import",
    help=N_(
        "Import accounts, contacts, subscriptions, tickets, survey responses, activities, "
        "onboarding milestones, feedback or usage events. Rows are matched by external id, "
        "so importing the same file again changes nothing."
    ),
)(import_command)
app.command(
    "metrics",
    help=N_(
        "KPIs by period (DESIGN.md §4) as a table, JSON or CSV; "
        "'kasasu metrics explain NAME --period YYYY-MM' lists the accounts behind a figure."
    ),
)(metrics_command)
app.command(
    "report",
    help=N_(
        "An Excel workbook of the KPIs for a month and the 11 months before it, to share: "
        "'kasasu report --period YYYY-MM --out FILE.xlsx'."
    ),
)(report_command)
app.command(
    help=N_(
        "The daily refresh: usage and account features, health scores and touch models for a "
        "day (default today), each step in its own transaction; a re-run replaces that day. "
        "--backfill --from DATE --to DATE builds history."
    )
)(refresh)
app.add_typer(health_app, name="health")
app.add_typer(segments_app, name="segments")
app.add_typer(playbooks_app, name="playbooks")
app.add_typer(surveys_app, name="surveys")
app.add_typer(voice_app, name="voice")
app.add_typer(needs_app, name="needs")
app.command(
    "loyal",
    help=N_(
        "Loyal customers (ロイヤルカスタマー) at a month's end: the KPI loyal_customers' accounts, "
        "green on the latest refresh unless --any-health, with MRR, tenure and latest NPS."
    ),
)(loyal)
app.command(
    "advocates",
    help=N_(
        "Promoters (latest NPS 9–10) who agreed to be a reference, for case studies and "
        "referral requests; --agree/--withdraw CONTACT_ID records a contact's answer."
    ),
)(advocates_command)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")
app.add_typer(audit_app, name="audit")


def main() -> None:
    command = typer.main.get_command(app)
    localize_help(command, help_locale())
    try:
        with acting(cli_origin()):  # the jobs a command runs write as "cli" too
            command(prog_name="kasasu")
    except KasasuError as error:
        raise SystemExit(fail(error).exit_code) from None
