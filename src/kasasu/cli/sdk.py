"""``kasasu sdk``: the environments a product's SDK sends events from."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kasasu.cli.common import console, session_scope, t
from kasasu.domain.checked import validated
from kasasu.guides.schemas import EnvironmentCreate
from kasasu.guides.service import create_environment, list_environments
from kasasu.kit.i18n import N_, _

sdk_app = typer.Typer(
    help=N_("The SDK (/sdk/v1/kasasu.js): environments a product sends usage events from."),
    no_args_is_help=True,
)


@sdk_app.command("create", help=N_("Make an environment; prints its public key and secret."))
def create(
    name: Annotated[str, typer.Argument(help=N_("Environment name, e.g. production"))],
    origin: Annotated[
        list[str], typer.Option(help=N_("An origin its pages are served from (repeatable)"))
    ],
) -> None:
    refusal = _("The environment is not valid")
    data = validated(EnvironmentCreate, {"name": name, "origins": origin}, refusal)
    with session_scope() as session:
        made, secret = create_environment(session, data)
    console.print(t("Public key (in the product's pages): {key}", key=made.public_key))
    console.print(t("Secret (on the product's server only; shown once): {secret}", secret=secret))


@sdk_app.command("list", help=N_("The environments, their keys and origins."))
def list_command() -> None:
    with session_scope() as session:
        found = list_environments(session)
    table = Table(t("Name"), t("Public key"), t("Origins"))
    for env in found:
        table.add_row(env.name, env.public_key, ", ".join(env.origins))
    console.print(table)
