"""A file sent to the API as the multipart form field ``file`` (imports, attendance
reports): its name and bytes, refused past the upload limit (413) before any work."""

from __future__ import annotations

from fastapi import HTTPException, Request
from starlette.datastructures import UploadFile  # what a form holds (FastAPI's is a subclass)

from kasasu.api.problems import request_locale
from kasasu.errors import FieldError, InvalidInput
from kasasu.imports.limits import MAX_UPLOAD_BYTES
from kasasu.kit.i18n import _, translate


async def uploaded_file(request: Request, default_name: str) -> tuple[str, bytes]:
    """The form's ``file`` (named ``default_name`` when the client gave no name)."""
    async with request.form(max_files=1, max_fields=10) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            reason = _("Send the file as the multipart form field 'file'")
            raise InvalidInput(reason, [FieldError(("body", "file"), reason)])
        # One byte more than allowed tells a file at the limit from one past it.
        name, data = upload.filename or default_name, await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        size = MAX_UPLOAD_BYTES // 2**20
        raise HTTPException(
            413, translate("The file is larger than {size} MB", request_locale(request), size=size)
        )
    return name, data
