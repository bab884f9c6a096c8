"""The ``kasasu`` command (Typer + Rich)."""

from __future__ import annotations

import typer

from kasasu.cli.admin import apikey_app, db_app, init, user_app
from kasasu.cli.common import fail
from kasasu.cli.demo import demo
from kasasu.cli.imports import import_command
from kasasu.cli.serve import serve
from kasasu.errors import KasasuError

app = typer.Typer(
    name="kasasu",
    help="Kasasu (カサス): customer success platform.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command()(init)
app.command()(serve)
app.command()(demo)
app.command("import")(import_command)
app.add_typer(db_app, name="db")
app.add_typer(user_app, name="user")
app.add_typer(apikey_app, name="apikey")


def main() -> None:
    try:
        app()
    except KasasuError as error:
        raise SystemExit(fail(error).exit_code) from None
