"""The audit log in Settings (admins): filter by entity, actor, origin, account and days;
pages with a total; the same selection as CSV or Excel (formulas neutralised)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kasasu.audit.schemas import ACTIONS, ORIGINS, AuditFilters
from kasasu.audit.service import HEADERS, export_rows, list_entries
from kasasu.domain.dates import parse_date
from kasasu.domain.permissions import Action
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _, translate
from kasasu.kit.spreadsheet import XLSX_TYPE, csv_text, xlsx_bytes
from kasasu.kit.types import is_row_id
from kasasu.web.auth import CurrentUser, require
from kasasu.web.context import in_transaction
from kasasu.web.render import PagesDep, ReportingDep

PER_PAGE = 50
FILTERS = ("entity", "actor", "origin", "account_id", "since", "until")


router = APIRouter(include_in_schema=False)


@router.get("/settings/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, user: CurrentUser, pages: PagesDep, report: ReportingDep, page: int = 1
) -> HTMLResponse:
    require(user, Action.ADMIN)
    here = _query(request)
    filters = _filters(here)
    found = in_transaction(
        request, lambda s: list_entries(s, filters, report.zone, page=page, per_page=PER_PAGE)
    )
    return pages.render(
        request,
        "audit.html",
        user=user,
        log=found,
        filters=here,
        origins=ORIGINS,
        actions=ACTIONS,
        pages=max(1, (found.total + PER_PAGE - 1) // PER_PAGE),
        link=lambda **change: "/settings/audit?" + urlencode({**here, **change}),
    )


@router.get("/settings/audit/export")
def export(
    request: Request,
    user: CurrentUser,
    report: ReportingDep,
    format: str = "csv",  # noqa: A002 - the URL's name
) -> Response:
    require(user, Action.ADMIN)
    filters = _filters(_query(request))
    rows = in_transaction(request, lambda s: list(export_rows(s, filters, report.zone)))
    header = [m.render(report.locale) for m in HEADERS]
    stamp = datetime.now(ZoneInfo(report.zone)).strftime("%Y%m%d-%H%M")
    if format == "xlsx":
        body = xlsx_bytes(header, rows, translate("Audit log", report.locale))
        return _download(body, XLSX_TYPE, f"audit-{stamp}.xlsx")
    return _download(csv_text(header, rows), "text/csv; charset=utf-8", f"audit-{stamp}.csv")


def _download(body: str | bytes, media_type: str, name: str) -> Response:
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(body, media_type=media_type, headers=disposition)


def _query(request: Request) -> dict[str, str]:
    """The filters the form sent, without the empty ones."""
    return {k: v.strip()[:320] for k in FILTERS if (v := request.query_params.get(k, "")).strip()}


def _filters(query: dict[str, str]) -> AuditFilters:
    account = query.get("account_id")
    if account is not None and not is_row_id(account):
        raise InvalidInput(
            _("Not an account id"), [FieldError(("query", "account_id"), _("A number"), account)]
        )
    origin = query.get("origin")
    return AuditFilters(
        entity=query.get("entity"),
        actor=query.get("actor"),
        origin=origin if origin in ORIGINS else None,
        account_id=int(account) if account else None,
        since=parse_date(query["since"]) if "since" in query else None,
        until=parse_date(query["until"]) if "until" in query else None,
    )
