"""A file sent by a page's upload form: its name, bytes and the form's other fields, read
once the CSRF token is checked and refused past the upload limit before any work."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile  # what a form holds

from kasasu.errors import InvalidInput
from kasasu.imports.limits import MAX_UPLOAD_BYTES
from kasasu.kit.i18n import _
from kasasu.web.auth import checked_upload_form


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes
    fields: dict[str, str]  # the form's text fields


async def uploaded_file(request: Request, default_name: str) -> Upload:
    """The form's ``file`` (named ``default_name`` when the browser gave no name)."""
    form = await checked_upload_form(request)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput(_("Choose a file to import"))
        # One byte more than allowed tells a file at the limit from one past it.
        name, data = upload.filename or default_name, await upload.read(MAX_UPLOAD_BYTES + 1)
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    finally:
        await form.close()
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(_("The file is larger than 50 MB; use 'kasasu import'"))
    return Upload(name, data, fields)
