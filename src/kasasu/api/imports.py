"""``POST /imports/{kind}``: the file import of ``kasasu import``, as a multipart upload.

Bad rows answer 422 problem+json with one error per problem, ``loc`` = [row, column as
written in the file]; nothing is written unless ``skip_bad_rows`` is set.
"""

# No "from __future__ import annotations": FastAPI must see the runtime classes.

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from kasasu.api.auth import require
from kasasu.api.context import context, in_transaction
from kasasu.api.problems import request_locale
from kasasu.api.routing import api_router
from kasasu.api.uploads import uploaded_file
from kasasu.domain.permissions import Action
from kasasu.imports.limits import MAX_UPLOAD_BYTES
from kasasu.imports.schemas import ImportKind, ImportOptions, ImportResult
from kasasu.imports.service import import_file, parse_overrides

# Declared here rather than as an UploadFile parameter: FastAPI parses (and spools) a declared
# body before it runs the dependencies, so an anonymous upload was received in full before
# its 401 (security review F11). The handler reads the form only after the key is checked.
_UPLOAD_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {"file": {"type": "string", "format": "binary"}},
            }
        }
    },
}


class SkippedRow(BaseModel):
    row: int = Field(description="Row as a spreadsheet shows it (header = 1); line for JSONL")
    column: str = Field(description="The column header as written in the file")
    value: Any
    reason: str


class ImportResultOut(BaseModel):
    kind: ImportKind
    rows: int
    created: int
    updated: int
    unchanged: int
    skipped_rows: list[int]
    skipped: list[SkippedRow]
    ignored_columns: list[str]
    custom_columns: list[str]
    dry_run: bool

    @classmethod
    def of(cls, result: ImportResult, locale: str) -> "ImportResultOut":
        skipped = [
            SkippedRow(
                row=e.row,
                column=e.column,
                value=e.value
                if isinstance(e.value, str | int | float | bool | None)
                else str(e.value),
                reason=e.reason.render(locale),
            )
            for e in result.skipped
        ]
        return cls(
            kind=result.kind,
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            skipped_rows=result.skipped_rows,
            skipped=skipped,
            ignored_columns=result.ignored_columns,
            custom_columns=result.custom_columns,
            dry_run=result.dry_run,
        )


def imports_router() -> APIRouter:
    router = api_router(tags=["imports"])

    @router.post(
        "/imports/{kind}",
        response_model=ImportResultOut,
        dependencies=[Depends(require(Action.IMPORT))],
        summary="Import a CSV, Excel or JSON Lines file",
        description=(
            "Upload `file` (multipart). CSV in UTF-8 (with or without BOM) or Shift_JIS/CP932, "
            "`.xlsx` (first sheet) or `.jsonl`; headers in Japanese or English (see "
            "docs/imports.md). Rows are upserted by external id. Any bad row → 422 naming "
            "every bad row and column, and nothing is written, unless `skip_bad_rows`. "
            f"At most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB, 1,000 columns and 10 M cells."
        ),
        openapi_extra={"requestBody": _UPLOAD_BODY},
    )
    async def import_upload(
        request: Request,
        kind: ImportKind,
        *,
        skip_bad_rows: bool = False,
        dry_run: bool = False,
        mapping: Annotated[
            list[str] | None,
            Query(alias="map", description="field=Header, to read a field from another column"),
        ] = None,
    ) -> ImportResultOut:
        locale = request_locale(request)
        name, data = await uploaded_file(request, "upload.csv")
        ctx = context(request)
        options = ImportOptions(
            zone=ctx.reporting.zone,
            currency=ctx.reporting.currency,
            skip_bad_rows=skip_bad_rows,
            dry_run=dry_run,
            overrides=parse_overrides(mapping or []),
        )
        result = await run_in_threadpool(
            in_transaction,
            request,
            lambda s: import_file(s, kind, data, name, options, events_path=ctx.events_path),
        )
        return ImportResultOut.of(result, locale)

    return router
