"""``/exports/crm``: each account's health in the columns a HubSpot or Salesforce import
reads, as CSV or JSON (docs/crm-write-back.md); the same rows as ``kasasu export crm``."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from kasasu.api.auth import require
from kasasu.api.context import in_transaction, reporting
from kasasu.api.routing import api_router
from kasasu.domain.permissions import Action
from kasasu.kit.spreadsheet import csv_text
from kasasu.workspace.crm import crm_table
from kasasu.writeback.schemas import CrmFormat

CSV = "text/csv"


def exports_router() -> APIRouter:
    router = api_router(prefix="/exports", tags=["exports"])

    @router.get(
        "/crm",
        response_model=list[dict[str, Any]],
        dependencies=[Depends(require(Action.READ))],
        summary="Each account's health in the columns of a HubSpot or Salesforce import",
        description=(
            "One record per account, by external id: `format=hubspot` gives `hs_object_id` "
            "(the account's hubspot id) and `domain` to match companies on, then `name` and "
            "the custom properties `kasasu_account_id`, `kasasu_health_score` (0–100), "
            "`kasasu_health_band` (red, yellow, green, unknown), `kasasu_churn_risk` (percent), "
            "`kasasu_csm_email`, `kasasu_health_date`; `format=salesforce` gives `Id` (the "
            "account's salesforce id), `Name` and the custom fields `Kasasu_Account_Id__c`, "
            "`Kasasu_Health_Score__c`, `Kasasu_Health_Band__c`, `Kasasu_Churn_Risk__c`, "
            "`Kasasu_CSM_Email__c`, `Kasasu_Health_Date__c`. Empty (null) where an account "
            "has no such id or was not scored on the latest refresh day. CSV (UTF-8 with BOM) "
            "with `as=csv` or `Accept: text/csv`; JSON otherwise."
        ),
        responses={200: {"content": {CSV: {"schema": {"type": "string"}}}}},
    )
    def crm(
        request: Request,
        crm: Annotated[CrmFormat, Query(alias="format", description="The CRM")],
        output: Annotated[
            Literal["csv", "json"] | None,
            Query(alias="as", description="csv or json; default: by the Accept header"),
        ] = None,
    ) -> Response:
        today = reporting(request).today()
        header, rows = in_transaction(request, lambda s: crm_table(s, crm, today))
        if (output or ("csv" if CSV in request.headers.get("accept", "") else "json")) == "csv":
            name = f"kasasu-{crm}-{today.isoformat()}.csv"
            return Response(
                csv_text(header, rows),
                media_type=f"{CSV}; charset=utf-8",
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )
        return JSONResponse([dict(zip(header, row, strict=True)) for row in rows])

    return router
