"""Set-up commands: init, db upgrade, user create, apikey create."""

from __future__ import annotations

from typing import Annotated

import typer

from kasasu.cli.common import console, session_scope, settings, t
from kasasu.db.migrate import upgrade
from kasasu.domain.choices import Role
from kasasu.kit.i18n import N_
from kasasu.users.schemas import ApiKeyCreate, UserCreate
from kasasu.users.service import create_api_key, create_user, get_user_by_email

db_app = typer.Typer(help=N_("Database schema (Alembic migrations)."), no_args_is_help=True)
user_app = typer.Typer(help=N_("Kasasu users."), no_args_is_help=True)
apikey_app = typer.Typer(help=N_("API keys for scripts and integrations."), no_args_is_help=True)


def init() -> None:
    config = settings()
    config.data_dir.mkdir(parents=True, exist_ok=True)
    config.events_path.parent.mkdir(parents=True, exist_ok=True)
    upgrade(config.database_url)
    console.print(t("Kasasu is ready in {path}", path=str(config.data_dir)))


@db_app.command("upgrade", help=N_("Apply the migrations up to REVISION (default: the newest)."))
def db_upgrade(revision: str = "head") -> None:
    upgrade(settings().database_url, revision)
    console.print(t("Database schema is at {revision}", revision=revision))


@user_app.command("create", help=N_("Create a user who signs in with email and password."))
def user_create(
    email: Annotated[str, typer.Option(help=N_("Sign-in email"))],
    name: Annotated[str, typer.Option(help=N_("Display name"))] = "",
    role: Annotated[Role, typer.Option(help=N_("admin, leader, csm or viewer"))] = Role.CSM,
    password: Annotated[
        str | None, typer.Option(help=N_("Password (asked for when omitted)"), hide_input=True)
    ] = None,
    if_missing: Annotated[
        bool, typer.Option("--if-missing", help=N_("Do nothing when the user exists"))
    ] = False,
) -> None:
    with session_scope() as session:
        if if_missing and get_user_by_email(session, email) is not None:
            console.print(t("User {email} already exists", email=email))
            return
        if password is None:
            password = typer.prompt(t("Password"), hide_input=True, confirmation_prompt=True)
        user = create_user(
            session,
            UserCreate(email=email, name=name or email.split("@")[0], role=role, password=password),
        )
    console.print(t("Created user {email} ({role})", email=user.email, role=user.role.value))


@apikey_app.command(
    "create", help=N_("Create an API key and print it once; only its hash is stored.")
)
def apikey_create(
    name: Annotated[str, typer.Option(help=N_("What the key is for"))],
    role: Annotated[Role, typer.Option(help=N_("admin, leader, csm or viewer"))] = Role.VIEWER,
) -> None:
    with session_scope() as session:
        created = create_api_key(session, ApiKeyCreate(name=name, role=role))
    console.print(t("API key {name} ({role}); it is shown only now:", name=name, role=role.value))
    typer.echo(created.key)
