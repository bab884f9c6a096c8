"""``kasasu surveys``: create a campaign, send it (or a dry run), remind, read results."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from kasasu.cli.common import console, session_scope, settings, t
from kasasu.kit.i18n import N_
from kasasu.surveys.campaign_schemas import ScoreSummary
from kasasu.surveys.campaigns import (
    create_campaign,
    list_campaigns,
    remind_campaign,
    send_campaign,
    validate_campaign,
)
from kasasu.surveys.results import campaign_results
from kasasu.wiring import survey_config

surveys_app = typer.Typer(
    help=N_("Survey campaigns (NPS, CSAT, CES): create, send, remind, results."),
    no_args_is_help=True,
)


@surveys_app.command("create", help=N_("Create a campaign for a segment or a list of contacts."))
def create(
    name: Annotated[str, typer.Argument(help=N_("Campaign name"))],
    kind: Annotated[str, typer.Option(help=N_("nps, csat or ces"))] = "nps",
    segment: Annotated[str | None, typer.Option(help=N_("Audience: a segment"))] = None,
    contact: Annotated[
        list[str] | None, typer.Option(help=N_("Audience: a contact id or email (repeat)"))
    ] = None,
    question_ja: Annotated[str | None, typer.Option(help=N_("The question in Japanese"))] = None,
    question_en: Annotated[str | None, typer.Option(help=N_("The question in English"))] = None,
    followup_ja: Annotated[str | None, typer.Option(help=N_("The follow-up in Japanese"))] = None,
    followup_en: Annotated[str | None, typer.Option(help=N_("The follow-up in English"))] = None,
    throttle_days: Annotated[
        int | None, typer.Option(help=N_("Skip contacts surveyed within this many days"))
    ] = None,
    page: Annotated[bool, typer.Option(help=N_("Also a hosted page"))] = False,
    widget: Annotated[bool, typer.Option(help=N_("Also the in-app widget"))] = False,
) -> None:
    contacts = [int(c) if c.isdigit() else c for c in contact or []]
    values = {
        "name": name,
        "kind": kind,
        "segment": segment,
        "contacts": contacts,
        "question_ja": question_ja,
        "question_en": question_en,
        "followup_ja": followup_ja,
        "followup_en": followup_en,
        "throttle_days": throttle_days,
        "channel_page": page,
        "channel_widget": widget,
    }
    data = validate_campaign(values, "options")
    config = survey_config(settings())
    with session_scope() as session:
        created = create_campaign(session, data, config)
    console.print(
        t("Campaign {name} created (public id {id})", name=created.name, id=created.public_id)
    )


@surveys_app.command("send", help=N_("Email the invitations not sent yet; each contact once."))
def send(
    name: Annotated[str, typer.Argument(help=N_("Campaign name"))],
    dry_run: Annotated[
        bool, typer.Option(help=N_("List who would be asked; send nothing"))
    ] = False,
) -> None:
    config = survey_config(settings())
    with session_scope() as session:
        outcome = send_campaign(
            session, name, config, datetime.now(UTC), dry_run=dry_run, checkpoint=session.commit
        )
    if dry_run:
        for email in outcome.recipients:
            console.print(email, highlight=False)
    console.print(
        t(
            "Audience {audience}, invited {invited}, skipped as surveyed recently {throttled}, "
            "sent {sent}, failed {failed}",
            audience=outcome.audience,
            invited=outcome.invited,
            throttled=outcome.throttled,
            sent=outcome.sent,
            failed=outcome.failed,
        )
    )


@surveys_app.command("remind", help=N_("One reminder to each invitee who has not answered."))
def remind(name: Annotated[str, typer.Argument(help=N_("Campaign name"))]) -> None:
    config = survey_config(settings())
    with session_scope() as session:
        outcome = remind_campaign(
            session, name, config, datetime.now(UTC), checkpoint=session.commit
        )
    console.print(t("Reminded {n}, failed {failed}", n=outcome.reminded, failed=outcome.failed))


@surveys_app.command("results", help=N_("Answers, response rate and the score, by plan."))
def results(name: Annotated[str, typer.Argument(help=N_("Campaign name"))]) -> None:
    with session_scope() as session:
        found = campaign_results(session, name)
    table = Table(
        t("Plan"), t("Sent"), t("Answers"), t("Response rate"), t("Score"), t("95% interval")
    )
    table.add_row(t("All"), *_cells(found.total))
    for row in found.by_plan:
        table.add_row(row.group or t("(no plan)"), *_cells(row))
    console.print(table)


@surveys_app.command("list", help=N_("The campaigns, newest first."))
def list_command() -> None:
    with session_scope() as session:
        found = list_campaigns(session)
    table = Table(t("Name"), t("Kind"), t("Audience"), t("Status"), t("Public id"))
    for c in found:
        audience = c.segment or t("{n} listed contacts", n=len(c.audience))
        table.add_row(c.name, c.kind.value, audience, c.status, c.public_id)
    console.print(table)


def _cells(row: ScoreSummary) -> list[str]:
    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value * 100:.1f}%"

    if row.nps is not None:
        score, interval = f"NPS {row.nps:.1f}", f"{row.nps_low:.1f} – {row.nps_high:.1f}"
    elif row.csat is not None:
        score, interval = f"CSAT {pct(row.csat)}", "—"
    elif row.ces is not None:
        score, interval = f"CES {row.ces:.2f}", "—"
    else:
        score, interval = "—", "—"
    return [str(row.sent), str(row.answers), pct(row.response_rate), score, interval]
