"""Set-up commands: init, db upgrade, users (create, password, (de)activate, sign-out) and API
keys (create, list, revoke)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from kasasu.cli.common import console, session_scope, settings, t
from kasasu.db.migrate import upgrade
from kasasu.domain.choices import Role
from kasasu.domain.dates import parse_span
from kasasu.kit.i18n import N_
from kasasu.users.schemas import ApiKeyCreate, UserCreate
from kasasu.users.service import (
    activate_user,
    checked_scopes,
    create_api_key,
    create_user,
    deactivate_user,
    get_user_by_email,
    list_api_keys,
    revoke_api_key,
    set_password,
    sign_out_everywhere,
)

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


Email = Annotated[str, typer.Option(help=N_("The user's sign-in email"))]


@user_app.command("set-password", help=N_("Set a user's password; every session of the user ends."))
def user_set_password(
    email: Email,
    password: Annotated[
        str | None, typer.Option(help=N_("Password (asked for when omitted)"), hide_input=True)
    ] = None,
) -> None:
    if password is None:
        password = typer.prompt(t("Password"), hide_input=True, confirmation_prompt=True)
    with session_scope() as session:
        user = set_password(session, email, password)
    console.print(t("New password for {email}; their sessions have ended", email=user.email))


@user_app.command(
    "deactivate",
    help=N_("The user can no longer sign in; their sessions end and their API keys stop."),
)
def user_deactivate(email: Email) -> None:
    with session_scope() as session:
        user = deactivate_user(session, email)
    console.print(t("Deactivated {email}", email=user.email))


@user_app.command("activate", help=N_("Let a deactivated user sign in again."))
def user_activate(email: Email) -> None:
    with session_scope() as session:
        user = activate_user(session, email)
    console.print(t("Activated {email}", email=user.email))


@user_app.command("sign-out", help=N_("End every web session of the user, in every browser."))
def user_sign_out(email: Email) -> None:
    with session_scope() as session:
        user = sign_out_everywhere(session, email)
    console.print(t("Every session of {email} has ended", email=user.email))


@apikey_app.command(
    "create", help=N_("Create an API key and print it once; only its hash is stored.")
)
def apikey_create(
    name: Annotated[str, typer.Option(help=N_("What the key is for"))],
    role: Annotated[Role, typer.Option(help=N_("admin, leader, csm or viewer"))] = Role.VIEWER,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            help=N_(
                "Narrow the role: read, write or admin, or FAMILY:LEVEL (accounts:write); "
                "repeat for more. Default: all the role allows"
            )
        ),
    ] = None,
    expires_in: Annotated[
        str | None, typer.Option(help=N_("Lifetime such as 90d, 12h or 2w. Default: no expiry"))
    ] = None,
) -> None:
    data = ApiKeyCreate(
        name=name,
        role=role,
        scopes=checked_scopes(" ".join(scope)) if scope else None,
        expires_at=datetime.now(UTC) + parse_span(expires_in) if expires_in else None,
    )
    with session_scope() as session:
        created = create_api_key(session, data)
    console.print(t("API key {name} ({role}); it is shown only now:", name=name, role=role.value))
    typer.echo(created.key)


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%MZ") if moment else "—"


@apikey_app.command("list", help=N_("The API keys: role, scopes, expiry and last use."))
def apikey_list() -> None:
    with session_scope() as session:
        keys = list_api_keys(session)
    table = Table(
        "ID",
        t("Name"),
        t("Key"),
        t("Role"),
        t("Scopes"),
        t("Created"),
        t("Expires"),
        t("Last used"),
        t("From"),
        t("State"),
    )
    now = datetime.now(UTC)
    for k in keys:
        state = (
            t("revoked")
            if k.revoked_at
            else t("expired")
            if k.expires_at and k.expires_at <= now
            else t("active")
        )
        table.add_row(
            str(k.id),
            k.name,
            k.prefix + "…",
            k.role.value,
            " ".join(k.scopes) if k.scopes else t("all of the role"),
            _when(k.created_at),
            _when(k.expires_at) if k.expires_at else t("never"),
            _when(k.last_used_at),
            k.last_used_from or "—",
            state,
        )
    console.print(table)


@apikey_app.command("revoke", help=N_("Revoke an API key by its ID (apikey list)."))
def apikey_revoke(key_id: Annotated[int, typer.Argument(help=N_("The key's ID"))]) -> None:
    with session_scope() as session:
        revoke_api_key(session, key_id)
    console.print(t("Revoked API key {id}", id=key_id))
