"""``kasasu export crm``: each account's health in the columns a HubSpot or Salesforce import
reads (docs/crm-write-back.md)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from kasasu.accounts.service import accounts
from kasasu.cli.common import console, session_scope, settings, t
from kasasu.kit.i18n import N_
from kasasu.kit.spreadsheet import csv_text
from kasasu.workspace.crm import account_health
from kasasu.writeback.service import crm_header, crm_record, crm_row


class Crm(StrEnum):
    HUBSPOT = "hubspot"
    SALESFORCE = "salesforce"


def crm(
    file: Annotated[Path, typer.Argument(help=N_("File to write"))],
    crm: Annotated[
        Crm,
        typer.Option("--format", help=N_("The CRM whose import reads the file")),
    ],
    as_json: Annotated[
        bool,
        typer.Option("--json/--csv", help=N_("A JSON list of records instead of CSV")),
    ] = False,
) -> None:
    today = settings().reporting().today()
    bars = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    )
    with session_scope() as session, bars:
        task = bars.add_task(t("Accounts"), total=accounts.count(session, {}))
        healths = []
        for health in account_health(session, today):
            healths.append(health)
            bars.advance(task)
    if as_json:
        records = [crm_record(h, crm.value) for h in healths]
        file.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    else:
        file.write_text(
            csv_text(crm_header(crm.value), (crm_row(h, crm.value) for h in healths)),
            encoding="utf-8",
            newline="",  # the CSV's own CRLF, on every system
        )
    console.print(
        t(
            "{n} accounts written to {path} in {crm}'s columns (docs/crm-write-back.md)",
            n=f"{len(healths):,}",
            path=str(file),
            crm=crm.value,
        )
    )
