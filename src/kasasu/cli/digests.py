"""``kasasu digests``: the daily digest to each CSM (their red accounts, renewals ahead and
tasks due): where each person gets it (set, list), and sending today's now (send)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kasasu.cli.common import console, require_migrated, session_scope, settings, t
from kasasu.cli.refresh import today_local
from kasasu.db import create_db_engine
from kasasu.digests.schemas import CHANNEL_LABELS, DigestPreferenceUpdate
from kasasu.digests.service import digest_preferences, set_digest_preference
from kasasu.domain.checked import validated
from kasasu.domain.dates import parse_date
from kasasu.errors import NotFound
from kasasu.jobs.digests import send_digests
from kasasu.kit.i18n import N_, _
from kasasu.users.service import get_user_by_email, list_users
from kasasu.wiring import digest_config

digests_app = typer.Typer(
    help=N_(
        "The daily digest to each CSM after the refresh: their red accounts, renewals in the "
        "next days (KASASU_DIGEST__RENEWAL_DAYS) and tasks due today or overdue, by email or "
        "to Slack, Microsoft Teams or Chatwork."
    ),
    no_args_is_help=True,
)


@digests_app.command(
    "set",
    help=N_(
        "Where a person gets their digest: email (the default), slack, teams, chatwork or off; "
        "--target: their own Slack or Teams webhook URL, or Chatwork room id (default: the "
        "one in the settings)."
    ),
)
def set_channel(
    email: Annotated[str, typer.Argument(help=N_("The user's email"))],
    channel: Annotated[str, typer.Option(help=N_("email, slack, teams, chatwork or off"))],
    target: Annotated[
        str | None, typer.Option(help=N_("Their own webhook URL or Chatwork room id"))
    ] = None,
) -> None:
    update = validated(
        DigestPreferenceUpdate,
        {"channel": channel, "target": target},
        _("The digest channel is not valid"),
    ).checked()
    with session_scope() as session:
        found = get_user_by_email(session, email)
        if found is None:
            raise NotFound(_("{noun} {id} does not exist", noun=_("User"), id=email))
        saved = set_digest_preference(session, found.id, update)
    locale = settings().locale
    console.print(
        t(
            "{email} gets the daily digest by {channel}",
            email=email,
            channel=CHANNEL_LABELS[saved.channel].render(locale),
        )
    )


@digests_app.command("list", help=N_("Each active user's digest channel and target."))
def list_channels() -> None:
    locale = settings().locale
    with session_scope() as session:
        users = [u for u in list_users(session) if u.is_active]
        chosen = digest_preferences(session, [u.id for u in users])
    table = Table(t("Email"), t("Name"), t("Channel"), t("Target"))
    for u in users:
        p = chosen[u.id]
        table.add_row(u.email, u.name, CHANNEL_LABELS[p.channel].render(locale), p.target or "—")
    console.print(table)


@digests_app.command(
    "send",
    help=N_(
        "Send today's digest to every CSM who owns accounts and has not had it (the refresh "
        "of today sends them by itself unless KASASU_DIGEST__ENABLED is false)."
    ),
)
def send(
    as_of: Annotated[
        str | None, typer.Option(help=N_("The day, e.g. 2026-10-01 (default: today, local)"))
    ] = None,
    user: Annotated[str | None, typer.Option(help=N_("Only this user's (their email)"))] = None,
) -> None:
    day = parse_date(as_of) if as_of else today_local()
    only = None
    if user is not None:
        with session_scope() as session:
            found = get_user_by_email(session, user)
        if found is None:
            raise NotFound(_("{noun} {id} does not exist", noun=_("User"), id=user))
        only = found.id
    engine = create_db_engine(settings().database_url)
    try:
        require_migrated(engine)
        with console.status(t("Sending the digests")):
            outcome = send_digests(engine, day, digest_config(settings()), only=only)
    finally:
        engine.dispose()
    console.print(
        t(
            "Digests of {day}: {sent} sent, {failed} failed",
            day=day.isoformat(),
            sent=outcome.sent,
            failed=outcome.failed,
        )
    )
    for email, error in outcome.errors.items():
        console.print(f"  {email}: {error}", highlight=False)
    if outcome.failed:
        raise typer.Exit(1)
