"""Imports in the browser: upload a CSV/Excel/JSON Lines file, see what it would do (or
every bad row), then commit — the same all-or-nothing import as ``kasasu import``."""

from __future__ import annotations

import secrets
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from kasasu.domain.permissions import Action
from kasasu.errors import InvalidInput
from kasasu.imports.schemas import ImportKind, ImportOptions
from kasasu.imports.service import import_file
from kasasu.kit.i18n import _
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import Pages

SESSION_UPLOAD = "upload"
KIND_TITLES = {
    ImportKind.ACCOUNTS: _("Accounts"),
    ImportKind.CONTACTS: _("Contacts"),
    ImportKind.SUBSCRIPTIONS: _("Subscriptions"),
    ImportKind.TICKETS: _("Tickets"),
    ImportKind.RESPONSES: _("Survey answers"),
    ImportKind.ACTIVITIES: _("Activities"),
    ImportKind.MILESTONES: _("Onboarding milestones"),
    ImportKind.FEEDBACK: _("Feedback"),
    ImportKind.EVENTS: _("Usage events"),
    ImportKind.EXCHANGE_RATES: _("Exchange rates"),
}
MAX_BYTES = 50 * 1024 * 1024


def _uploads() -> Path:
    folder = Path(tempfile.gettempdir()) / "kasasu-uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def imports_router(pages: Pages) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/imports", response_class=HTMLResponse)
    def imports_page(request: Request, user: CurrentUser) -> HTMLResponse:
        return pages.render(request, "imports.html", user=user, kinds=KIND_TITLES)

    @router.post("/imports", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
    async def preview(
        request: Request,
        user: CurrentUser,
        kind: Annotated[ImportKind, Form()],
        file: Annotated[UploadFile, File()],
        skip_bad_rows: Annotated[bool, Form()] = False,
    ) -> HTMLResponse:
        """A dry run: nothing is written; the file waits for "Import" in a private folder."""
        require(user, Action.IMPORT)
        data = await file.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise InvalidInput(_("The file is larger than 50 MB; use 'kasasu import'"))
        name = file.filename or "upload.csv"
        values: dict[str, Any] = {
            "user": user,
            "kinds": KIND_TITLES,
            "kind": kind,
            "name": name,
        }
        try:
            result = _run(request, kind, data, name, skip_bad_rows=skip_bad_rows, dry_run=True)
        except InvalidInput as error:
            return pages.render(request, "imports.html", 422, error=error, **values)
        token = secrets.token_urlsafe(16)
        (_uploads() / token).write_bytes(data)
        request.session[SESSION_UPLOAD] = [token, kind.value, name, skip_bad_rows]
        return pages.render(request, "imports.html", result=result, **values)

    @router.post("/imports/commit", dependencies=[Depends(check_csrf)])
    def commit(request: Request, user: CurrentUser) -> Response:
        require(user, Action.IMPORT)
        pending = request.session.pop(SESSION_UPLOAD, None)
        if not pending:
            raise InvalidInput(_("No file is waiting to be imported; upload it again"))
        token, kind, name, skip = pending
        path = _uploads() / Path(token).name
        try:
            result = _run(request, ImportKind(kind), path.read_bytes(), name, skip_bad_rows=skip)
        finally:
            path.unlink(missing_ok=True)
        return pages.render(
            request, "imports.html", user=user, kinds=KIND_TITLES, result=result, done=True
        )

    return router


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
        zone=ctx.timezone, currency=ctx.currency, skip_bad_rows=skip_bad_rows, dry_run=dry_run
    )
    return in_transaction(
        request,
        lambda s: import_file(s, kind, data, name, options, events_path=ctx.events_path),
    )
