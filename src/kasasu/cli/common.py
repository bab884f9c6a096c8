"""What every command shares: settings, the console, translation, transactions, errors."""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, Protocol

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.db.audit import Origin, acting
from kasasu.db.migrate import current_revision, head_revision
from kasasu.errors import (
    Conflict,
    InvalidInput,
    KasasuError,
    NotFound,
    PermissionDenied,
    Throttled,
    Unauthenticated,
    Unavailable,
)
from kasasu.kit.i18n import _, normalize_locale, translate
from kasasu.settings import Settings

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)

# One exit code per kind of error, documented in the README.
EXIT_CODES: dict[type[KasasuError], int] = {
    InvalidInput: 2,
    NotFound: 3,
    Conflict: 4,
    Unauthenticated: 5,
    PermissionDenied: 5,
    Unavailable: 6,
    Throttled: 6,
}


@cache
def settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "KASASU_" + "__".join(str(p).upper() for p in first["loc"])
        err_console.print(f"[red]✗[/] {name}: {first['msg']}")
        raise typer.Exit(2) from exc


def help_locale() -> str:
    """The locale for --help, even when other settings are invalid (that error comes later)."""
    try:
        return Settings().locale
    except ValidationError:
        return normalize_locale(os.environ.get("KASASU_LOCALE"))


def localize_help(command: Any, locale: str) -> None:
    """Translate the help of a command, its parameters and subcommands (msgids are English)."""
    for attribute in ("help", "short_help"):
        text = getattr(command, attribute, None)
        if text:
            setattr(command, attribute, translate(text, locale))
    for param in getattr(command, "params", ()):
        if getattr(param, "help", None):
            param.help = translate(param.help, locale)
    for sub in getattr(command, "commands", {}).values():
        localize_help(sub, locale)


def t(msgid: str, /, **params: object) -> str:
    """Translate for the terminal, in the configured locale."""
    return translate(msgid, settings().locale, **params)


def require_migrated(engine: Engine) -> None:
    if current_revision(engine) != head_revision(settings().database_url):
        raise Unavailable(_("The database is not initialised or not up to date: run 'kasasu init'"))


@contextmanager
def session_scope() -> Iterator[Session]:
    """One transaction for one command, after checking that the database is migrated."""
    engine = create_db_engine(settings().database_url)
    try:
        require_migrated(engine)
        with acting(cli_origin()), transaction(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


class MailsSent(Protocol):
    sent: int
    failed: int


def send_due_mail(run: Callable[[Engine, Settings], MailsSent | None], busy: str) -> None:
    """A command that sends the mail due now (``run``, under its own lock: None when another
    run holds it, said as ``busy``); exit 1 when a mail server refused some."""
    config = settings()
    engine = create_db_engine(config.database_url)
    try:
        require_migrated(engine)
        outcome = run(engine, config)
    finally:
        engine.dispose()
    if outcome is None:
        console.print(busy)
        return
    console.print(
        t("{sent} emails sent, {failed} failed", sent=outcome.sent, failed=outcome.failed)
    )
    if outcome.failed:
        raise typer.Exit(1)


def cli_origin() -> Origin:
    """The audit log's actor for a command: "cli", with the operating-system user."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no such user in a container's passwd
        who = "cli"
    return Origin("cli", "cli", None, who)


def fail(error: KasasuError) -> typer.Exit:
    """Print one clear line (plus field details) and return the exit to raise."""
    locale = settings().locale
    err_console.print(f"[red]✗[/] {error.message.render(locale)}", highlight=False)
    if isinstance(error, InvalidInput):
        for item in error.errors[:50]:
            where = ".".join(str(p) for p in item.loc)
            err_console.print(f"  {where}: {item.message.render(locale)}", highlight=False)
    code = next((c for cls, c in EXIT_CODES.items() if isinstance(error, cls)), 1)
    return typer.Exit(code)
