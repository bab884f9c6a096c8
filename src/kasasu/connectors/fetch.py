"""An export fetched from a URL (a CRM's scheduled report, a file on an internal server),
for the import profiles: the same checks as any uploaded file, and the same address guard
as webhooks (kasasu.kit.net), so a feed cannot be pointed at the cloud's metadata service or
an internal address nobody listed.

Redirects (a pre-signed storage link) are followed by hand, at most five, each target
checked before it is connected to. The body is read up to the upload limit and no further.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from email.message import Message as MimeHeaders
from pathlib import PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import httpx

from kasasu.errors import InvalidInput
from kasasu.imports.limits import MAX_UPLOAD_BYTES
from kasasu.imports.readers import EXCEL_SUFFIXES, SUFFIXES
from kasasu.kit.i18n import _
from kasasu.kit.net import UnsafeTarget, resolve_target

MAX_REDIRECTS = 5
_BY_TYPE = {
    "text/csv": ".csv",
    "text/tab-separated-values": ".tsv",
    "text/plain": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": EXCEL_SUFFIXES[0],
    "application/x-ndjson": ".jsonl",
}


@dataclass(frozen=True)
class Fetched:
    content: bytes
    filename: str  # its suffix tells the reader the format

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def shown(url: str) -> str:
    """The URL as the sync status shows it: without its query or credentials, which may
    hold a token (a pre-signed link, ``user:password@``)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def fetch_export(
    url: str,
    headers: dict[str, str],
    allowed: frozenset[str],
    *,
    timeout: float = 30.0,
    limit: int = MAX_UPLOAD_BYTES,
) -> Fetched:
    """GET ``url`` (redirects followed and checked); the body and a file name for it."""
    origin = urlsplit(url).netloc
    with httpx.Client(timeout=timeout) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            # The feed's headers (a token) go only to its own host, as browsers do: a
            # pre-signed storage link elsewhere carries its own credentials and refuses others.
            sent = headers if urlsplit(url).netloc == origin else {}
            answer = _get(client, url, sent, allowed, limit)
            if isinstance(answer, str):  # a redirect: its target is checked at the next hop
                url = urljoin(url, answer)
                continue
            return Fetched(answer[0], _filename(url, answer[1]))
    raise InvalidInput(_("{url}: more than {count} redirects", url=shown(url), count=MAX_REDIRECTS))


def _get(
    client: httpx.Client, url: str, headers: dict[str, str], allowed: frozenset[str], limit: int
) -> tuple[bytes, httpx.Headers] | str:
    """One hop: the body and headers, or the Location of a redirect."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise InvalidInput(_("{url}: only http and https can be fetched", url=shown(url)))
    try:
        target = resolve_target(url, allowed)
    except UnsafeTarget as exc:
        raise InvalidInput(_("{url}: {reason}", url=shown(url), reason=exc.reason)) from exc
    sent = {"Host": target.host_header, "User-Agent": "Kasasu", **headers}
    parts = urlsplit(url)
    auth = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
    extensions = {"sni_hostname": target.sni_hostname} if target.sni_hostname else {}
    try:
        with client.stream(
            "GET", target.url, headers=sent, auth=auth, follow_redirects=False,
            extensions=extensions,
        ) as response:  # fmt: skip
            if response.is_redirect and "location" in response.headers:
                return response.headers["location"]
            if not response.is_success:
                raise InvalidInput(
                    _("{url} answered HTTP {status}", url=shown(url), status=response.status_code)
                )
            return _body(response, url, limit), response.headers
    except httpx.HTTPError as exc:
        raise InvalidInput(
            _("{url} could not be fetched: {error}", url=shown(url), error=type(exc).__name__)
        ) from exc


def _body(response: httpx.Response, url: str, limit: int) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise InvalidInput(
                _("{url}: the file is larger than {size} MB", url=shown(url), size=limit // 2**20)
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _filename(url: str, headers: httpx.Headers) -> str:
    """The name the server gives (Content-Disposition), else the URL's last segment; a name
    without a known suffix gets the one of its Content-Type (CSV when unsaid)."""
    name = ""
    if "content-disposition" in headers:
        parsed = MimeHeaders()
        parsed["content-disposition"] = headers["content-disposition"]
        name = parsed.get_filename() or ""
    name = PurePosixPath(name or unquote(urlsplit(url).path)).name or "export"
    name = re.sub(r"[^\w.\-]+", "_", name)
    if PurePosixPath(name).suffix.lower() in SUFFIXES:
        return name
    kind = headers.get("content-type", "").split(";")[0].strip().lower()
    return name + _BY_TYPE.get(kind, ".csv")
