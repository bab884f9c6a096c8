"""The accounts list as a file: CSV (UTF-8 with BOM, so Excel opens Japanese correctly) or
Excel, with exactly the accounts the list's filters select."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import Response

from kasasu.kit.i18n import translate
from kasasu.kit.spreadsheet import XLSX_TYPE, csv_text, xlsx_bytes
from kasasu.web.accounts import ListQuery
from kasasu.web.context import in_transaction
from kasasu.web.render import ReportingDep
from kasasu.workspace.exports import ACCOUNT_COLUMNS, account_rows

router = APIRouter(include_in_schema=False)


@router.get("/accounts/export")
def export(
    request: Request,
    report: ReportingDep,
    chosen: ListQuery,
    format: Literal["csv", "xlsx"] = "csv",  # noqa: A002 - the URL's name
) -> Response:
    query, _mine = chosen
    rows = in_transaction(request, lambda s: list(account_rows(s, query, report.today())))
    header = [m.render(report.locale) for m in ACCOUNT_COLUMNS]
    stamp = datetime.now(ZoneInfo(report.zone)).strftime("%Y%m%d-%H%M")
    name = f"accounts-{stamp}.{format}"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "xlsx":
        sheet = translate("Accounts", report.locale)
        return Response(xlsx_bytes(header, rows, sheet), media_type=XLSX_TYPE, headers=disposition)
    return Response(
        csv_text(header, rows), media_type="text/csv; charset=utf-8", headers=disposition
    )
