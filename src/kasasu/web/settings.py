"""Settings: your language and time zone; users and API keys (admin); scorecards as YAML
with validation and a preview of the bands they would give (leaders and admins)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, SecretStr
from sqlalchemy.orm import Session

from kasasu.connectors.runs import sync_status
from kasasu.digests.schemas import CHANNEL_LABELS, DigestChannel, DigestPreferenceUpdate
from kasasu.digests.service import digest_preferences, set_digest_preference
from kasasu.domain.choices import Role
from kasasu.domain.dates import parse_span
from kasasu.domain.permissions import Action
from kasasu.errors import InvalidInput
from kasasu.health.features import TouchRule
from kasasu.health.scorecards import get_scorecard, list_scorecards, parse_scorecard, save_scorecard
from kasasu.health.service import preview_scorecard
from kasasu.jobruns.schemas import JOB_TITLES
from kasasu.jobruns.service import job_history
from kasasu.kit.i18n import LOCALES, _
from kasasu.users.schemas import ApiKeyCreate, UserCreate, UserRead
from kasasu.users.service import (
    MIN_PASSWORD_LENGTH,
    activate_user,
    checked_scopes,
    create_api_key,
    create_user,
    deactivate_user,
    list_api_keys,
    list_users,
    revoke_api_key,
    set_preferences,
)
from kasasu.users.signin import change_own_password
from kasasu.web.auth import CurrentUser, check_csrf, require, start_session
from kasasu.web.context import client_address, in_transaction, web_context
from kasasu.web.render import SESSION_LOCALE, Pages, PagesDep

ZONES = ("Asia/Tokyo", "UTC", "Asia/Seoul", "Asia/Singapore", "Europe/London", "America/New_York")


class NewUser(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str = Field(min_length=8, max_length=200)
    csrf_token: str = ""


class NewKey(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    role: Role
    scopes: str = Field(default="", max_length=500)  # "read accounts:write"; empty: the role's
    expires_in: str = Field(default="", max_length=20)  # "90d"; empty: never
    csrf_token: str = ""


router = APIRouter(include_in_schema=False)


def page(
    request: Request,
    pages: Pages,
    user: UserRead,
    status: int = 200,
    *,
    first: Callable[[Session], dict[str, Any]] | None = None,
    **values: Any,
) -> HTMLResponse:
    """The settings page; ``first``, a change the page shows, runs in its transaction."""

    def load(session: Session) -> dict[str, Any]:
        done = first(session) if first else {}  # before the reads, which then show it
        return {**_visible(session, user), **done}

    data = in_transaction(request, load)
    return pages.render(
        request,
        "settings.html",
        status,
        user=user,
        locales=LOCALES,
        zones=ZONES,
        roles=list(Role),
        min_password=MIN_PASSWORD_LENGTH,
        now=datetime.now(UTC),
        password_changed=request.query_params.get("password") == "changed",
        digest_saved=request.query_params.get("digest") == "saved",
        **data,
        **values,
    )


def _visible(session: Session, user: UserRead) -> dict[str, Any]:
    """What the user may see: users, API keys, the connectors' and the scheduled jobs' runs
    (admins), scorecards and their own digest channel (everyone)."""
    admin = user.role is Role.ADMIN
    return {
        "users": list_users(session) if admin else [],
        "keys": list_api_keys(session) if admin else [],
        "connectors": sync_status(session) if admin else [],
        "jobs": job_history(session, limit=1).jobs if admin else [],
        "job_titles": JOB_TITLES,
        "scorecards": list_scorecards(session),
        "digest": digest_preferences(session, [user.id])[user.id],
        "digest_channels": CHANNEL_LABELS,
    }


@router.get("/settings", response_class=HTMLResponse)
def settings_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    return page(request, pages, user)


@router.post("/settings/preferences", dependencies=[Depends(check_csrf)])
def preferences(
    request: Request,
    user: CurrentUser,
    locale: Annotated[str, Form()] = "",
    zone: Annotated[str, Form()] = "",
) -> Response:
    in_transaction(request, lambda s: set_preferences(s, user.id, locale or None, zone or None))
    if locale:
        request.session[SESSION_LOCALE] = locale
    return RedirectResponse("/settings", status_code=303)


@router.post("/settings/digest", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def digest_channel(
    request: Request,
    *,
    user: CurrentUser,
    pages: PagesDep,
    channel: Annotated[DigestChannel, Form()],
    target: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Where your daily digest goes: email, Slack, Teams, Chatwork (to a webhook URL or a
    room of your own, else the deployment's) or nowhere."""
    update = DigestPreferenceUpdate(channel=channel, target=target or None)
    try:
        in_transaction(request, lambda s: set_digest_preference(s, user.id, update))
    except InvalidInput as error:
        typed = {"channel": channel, "target": target}
        return page(request, pages, user, 400, digest_error=error.message, digest_typed=typed)
    return RedirectResponse("/settings?digest=saved#digest", status_code=303)


@router.post("/settings/password", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def new_password(
    request: Request,
    *,
    user: CurrentUser,
    pages: PagesDep,
    current_password: Annotated[str, Form(max_length=200)],
    new_password: Annotated[str, Form(max_length=200)],
    confirm: Annotated[str, Form(max_length=200)],
) -> Response:
    """Your own password: the current one is required; every other session of yours ends."""
    if new_password != confirm:
        error = _("The new password and its confirmation differ")
        return page(request, pages, user, 400, password_error=error)
    try:
        guard, address = web_context(request).sign_in, client_address(request)
        changed = in_transaction(
            request,
            lambda s: change_own_password(
                s, guard, user, (current_password, new_password), address
            ),
        )
    except InvalidInput as error:
        return page(request, pages, user, 400, password_error=error.message)
    # This browser stays signed in (with the new generation); the others do not.
    return start_session(request, changed, "/settings?password=changed#password")


@router.post("/settings/users", dependencies=[Depends(check_csrf)])
def add_user(
    request: Request,
    user: CurrentUser,
    form: Annotated[NewUser, Form()],
) -> Response:
    require(user, Action.ADMIN)
    data = UserCreate(
        email=form.email, name=form.name, role=form.role, password=SecretStr(form.password)
    )
    in_transaction(request, lambda s: create_user(s, data))
    return RedirectResponse("/settings#users", status_code=303)


@router.post("/settings/users/active", dependencies=[Depends(check_csrf)])
def set_active(
    request: Request,
    user: CurrentUser,
    email: Annotated[str, Form(max_length=320)],
    active: Annotated[bool, Form()],
) -> Response:
    """An admin deactivates a user (their sessions end, their API keys stop) or lets them
    back in; never themselves, which would lock the door from inside."""
    require(user, Action.ADMIN)
    if email.lower() == user.email.lower():
        raise InvalidInput(_("You cannot deactivate yourself"))
    change = activate_user if active else deactivate_user
    in_transaction(request, lambda s: change(s, email))
    return RedirectResponse("/settings#users", status_code=303)


@router.post("/settings/keys", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def add_key(
    request: Request, user: CurrentUser, pages: PagesDep, form: Annotated[NewKey, Form()]
) -> HTMLResponse:
    require(user, Action.ADMIN)
    data = ApiKeyCreate(
        name=form.name,
        role=form.role,
        scopes=checked_scopes(form.scopes) if form.scopes.strip() else None,
        expires_at=datetime.now(UTC) + parse_span(form.expires_in) if form.expires_in else None,
    )
    return page(request, pages, user, first=lambda s: {"new_key": create_api_key(s, data)})


@router.post("/settings/keys/{key_id}/revoke", dependencies=[Depends(check_csrf)])
def revoke_key(request: Request, key_id: int, user: CurrentUser) -> Response:
    require(user, Action.ADMIN)
    in_transaction(request, lambda s: revoke_api_key(s, key_id))
    return RedirectResponse("/settings#keys", status_code=303)


@router.get("/settings/scorecards/{name}", response_class=HTMLResponse)
def scorecard_page(request: Request, name: str, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    card = in_transaction(request, lambda s: get_scorecard(s, name))
    text = yaml.safe_dump(card.definition, allow_unicode=True, sort_keys=False)
    return pages.render(request, "scorecard.html", user=user, card=card, text=text)


@router.post(
    "/settings/scorecards", response_class=HTMLResponse, dependencies=[Depends(check_csrf)]
)
def edit_scorecard(
    request: Request,
    *,
    user: CurrentUser,
    pages: PagesDep,
    text: Annotated[str, Form(max_length=100_000)],
    action: Annotated[str, Form()] = "preview",
) -> Response:
    """Validate the YAML; preview the bands it would give, or save it as a new version."""
    require(user, Action.DELETE)  # leaders and admins configure scorecards
    try:
        definition = parse_scorecard(text, "scorecard.yaml")
    except InvalidInput as error:
        return pages.render(request, "scorecard.html", 422, user=user, text=text, error=error)
    if action == "save":
        saved = in_transaction(request, lambda s: save_scorecard(s, definition))
        return RedirectResponse(f"/settings/scorecards/{saved.name}", status_code=303)
    ctx = web_context(request)
    touch = TouchRule(high_from=ctx.touch_high_mrr, low_from=ctx.touch_low_mrr)
    preview = in_transaction(request, lambda s: preview_scorecard(s, definition, touch))
    return pages.render(
        request, "scorecard.html", user=user, text=text, preview=preview, name=definition.name
    )
