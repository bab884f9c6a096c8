"""``kasasu backup DIR`` / ``kasasu restore DIR`` (docs/operations.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kasasu.cli.common import console, settings, t
from kasasu.kit.i18n import N_


def backup(
    directory: Annotated[
        Path, typer.Argument(help=N_("A new or empty folder for the backup"), file_okay=False)
    ],
) -> None:
    from kasasu.jobs.backup import backup as make_backup
    from kasasu.wiring import installation

    done = make_backup(installation(settings()), directory)
    rows = sum(n for name, n in done.rows.items() if name != "alembic_version")
    console.print(
        t(
            "Backed up to {path}: {rows} rows in {tables} tables, {events} usage events "
            "(schema {revision})",
            path=str(directory),
            rows=rows,
            tables=len(done.rows),
            events=done.events,
            revision=done.schema_revision,
        )
    )


def restore(
    directory: Annotated[
        Path,
        typer.Argument(help=N_("The backup's folder"), exists=True, file_okay=False),
    ],
    force: Annotated[
        bool,
        typer.Option("--force", help=N_("Replace a database and an event store that hold data")),
    ] = False,
) -> None:
    from kasasu.jobs.backup import restore as restore_backup
    from kasasu.wiring import installation

    different = restore_backup(installation(settings()), directory, force=force)
    console.print(t("Restored from {path}", path=str(directory)))
    for name in different:
        console.print(
            t(
                "The backup was made with another {setting}: the figures follow this "
                "installation's setting",
                setting=name,
            ),
            style="yellow",
        )
