"""Imports in the browser: upload a CSV/Excel/JSON Lines file, see what it would do (or
every bad row), then commit — the same all-or-nothing import as ``kasasu import``.

Between the preview and the commit the file waits in the data directory (``uploads/``, one
file per preview, named by a random token kept in the signed session); a commit or a cancel
deletes it, and a preview deletes those older than an hour.
"""

from __future__ import annotations

import secrets
import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kasasu.domain.permissions import Action
from kasasu.errors import InvalidInput
from kasasu.imports.schemas import ImportKind, ImportOptions
from kasasu.imports.service import import_file
from kasasu.kit.i18n import _
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import PagesDep
from kasasu.web.uploads import uploaded_file

SESSION_UPLOAD = "upload"
STALE_SECONDS = 60 * 60  # a preview nobody committed within an hour is forgotten
KIND_TITLES = {
    ImportKind.ACCOUNTS: _("Accounts"),
    ImportKind.CONTACTS: _("Contacts"),
    ImportKind.SUBSCRIPTIONS: _("Subscriptions"),
    ImportKind.TICKETS: _("Tickets"),
    ImportKind.RESPONSES: _("Survey answers"),
    ImportKind.ACTIVITIES: _("Activities"),
    ImportKind.MILESTONES: _("Onboarding milestones"),
    ImportKind.FEEDBACK: _("Feedback"),
    ImportKind.LEADS: _("Leads"),
    ImportKind.DEALS: _("Deals"),
    ImportKind.EVENTS: _("Usage events"),
    ImportKind.EXCHANGE_RATES: _("Exchange rates"),
}
_UPLOAD_AGAIN = _("No file is waiting to be imported; upload it again")


router = APIRouter(include_in_schema=False)


@router.get("/imports", response_class=HTMLResponse)
def imports_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    return pages.render(request, "imports.html", user=user, kinds=KIND_TITLES)


@router.post("/imports", response_class=HTMLResponse)
async def preview(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    """A dry run: nothing is written; the file waits for "Import" in the data directory.

    The form is read here, after the session, the role and the CSRF token are checked:
    File()/Form() parameters would be parsed (and spooled) before any of them.
    """
    require(user, Action.IMPORT)
    kind, name, data, skip_bad_rows = await _upload(request)
    values: dict[str, Any] = {"user": user, "kinds": KIND_TITLES, "kind": kind, "name": name}
    try:
        result = await run_in_threadpool(
            _run, request, kind, data, name, skip_bad_rows=skip_bad_rows, dry_run=True
        )
    except InvalidInput as error:
        return pages.render(request, "imports.html", 422, error=error, **values)
    token = secrets.token_urlsafe(16)
    await run_in_threadpool(_stage, request, token, data)
    request.session[SESSION_UPLOAD] = [token, kind.value, name, skip_bad_rows]
    return pages.render(request, "imports.html", result=result, **values)


@router.post("/imports/commit", dependencies=[Depends(check_csrf)])
def commit(request: Request, user: CurrentUser, pages: PagesDep) -> Response:
    require(user, Action.IMPORT)
    pending = request.session.pop(SESSION_UPLOAD, None)
    if not pending:
        raise InvalidInput(_UPLOAD_AGAIN)
    token, kind, name, skip = pending
    path = _staged(request, token)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        # Committed or cancelled already (an older copy of the session), or pruned.
        raise InvalidInput(_UPLOAD_AGAIN) from None
    try:
        result = _run(request, ImportKind(kind), data, name, skip_bad_rows=skip)
    finally:
        path.unlink(missing_ok=True)
    return pages.render(
        request, "imports.html", user=user, kinds=KIND_TITLES, result=result, done=True
    )


@router.post("/imports/cancel", dependencies=[Depends(check_csrf)])
def cancel(request: Request, user: CurrentUser) -> Response:
    require(user, Action.IMPORT)
    _discard(request)
    return RedirectResponse("/imports", status_code=303)


async def _upload(request: Request) -> tuple[ImportKind, str, bytes, bool]:
    """What the upload form sent: the kind, the file's name and bytes (refused above the
    limit), and whether bad rows are skipped."""
    sent = await uploaded_file(request, "upload.csv")
    kind = _kind(sent.fields.get("kind"))
    return kind, sent.name, sent.data, sent.fields.get("skip_bad_rows") == "true"


def _kind(value: object) -> ImportKind:
    try:
        return ImportKind(str(value))
    except ValueError:
        raise InvalidInput(_("Choose what the file holds")) from None


def uploads_folder(request: Request) -> Path:
    folder = web_context(request).staging_dir
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _staged(request: Request, token: object) -> Path:
    return uploads_folder(request) / Path(str(token)).name


def _stage(request: Request, token: str, data: bytes) -> None:
    """Keep ``data`` for the commit: forget this session's previous file and stale ones."""
    _discard(request)
    folder = uploads_folder(request)
    cutoff = time.time() - STALE_SECONDS
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        except OSError:
            continue  # another request pruned it first
    _staged(request, token).write_bytes(data)


def _discard(request: Request) -> None:
    pending = request.session.pop(SESSION_UPLOAD, None)
    if pending:
        _staged(request, pending[0]).unlink(missing_ok=True)


def _run(
    request: Request,
    kind: ImportKind,
    data: bytes,
    name: str,
    *,
    skip_bad_rows: bool,
    dry_run: bool = False,
) -> Any:
    ctx = web_context(request)
    options = ImportOptions(
        zone=ctx.reporting.zone,
        currency=ctx.reporting.currency,
        skip_bad_rows=skip_bad_rows,
        dry_run=dry_run,
    )
    return in_transaction(
        request,
        lambda s: import_file(s, kind, data, name, options, events_path=ctx.events_path),
    )
