"""The accounts list as a file: CSV (UTF-8 with BOM, so Excel opens Japanese correctly) or
Excel, with exactly the accounts the list's filters select."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from kasasu.accounts.service import accounts
from kasasu.domain.choices import TouchModel
from kasasu.health.snapshots import latest_briefs
from kasasu.kit.i18n import _, translate
from kasasu.kit.spreadsheet import csv_text, xlsx_bytes
from kasasu.users.service import user_names
from kasasu.web.accounts import list_filters
from kasasu.web.auth import CurrentUser
from kasasu.web.context import in_transaction, web_context
from kasasu.web.render import request_locale

BATCH = 500
HEADERS = (
    _("Id"),
    _("Name"),
    _("Plan"),
    _("Tier"),
    _("Touch model"),
    _("Owner"),
    _("MRR"),
    _("Health"),
    _("Band"),
    _("Days to renewal"),
)


def export_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get("/accounts/export")
    def export(request: Request, user: CurrentUser, format: str = "csv") -> Response:  # noqa: A002 - the URL's name
        filters, _mine, sort = list_filters(request, user)
        rows = in_transaction(request, lambda s: list(_rows(s, filters, sort)))
        locale = request_locale(request)
        header = [m.render(locale) for m in HEADERS]
        zone = ZoneInfo(web_context(request).timezone)
        stamp = datetime.now(zone).strftime("%Y%m%d-%H%M")
        if format == "xlsx":
            return Response(
                xlsx_bytes(header, rows, translate("Accounts", locale)),
                media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                headers={"Content-Disposition": f'attachment; filename="accounts-{stamp}.xlsx"'},
            )
        return Response(
            csv_text(header, rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="accounts-{stamp}.csv"'},
        )

    return router


def _rows(session: Session, filters: dict[str, Any], sort: str) -> Iterator[list[Any]]:
    """Every matching account, a batch at a time (two more queries per batch)."""
    cursor = None
    while True:
        page = accounts.list_page(session, filters, sort=sort, cursor=cursor, limit=BATCH)
        health = latest_briefs(session, [a.id for a in page.items])
        owners = user_names(session, [a.owner_id for a in page.items if a.owner_id])
        for a in page.items:
            h = health.get(a.id)
            yield [
                a.external_id,
                a.name,
                a.plan or "",
                a.tier or "",
                _touch(a.touch_model or (h.touch_model if h else None)),
                owners.get(a.owner_id or 0, ""),
                _plain(h.mrr) if h else "",
                round(h.score, 1) if h and h.score is not None else "",
                h.band if h else "",
                _plain(h.days_to_renewal) if h else "",
            ]
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _touch(value: TouchModel | None) -> str:
    return value.value if value else ""


def _plain(value: float | None) -> int | float | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else value
