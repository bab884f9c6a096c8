"""What a backup's ``manifest.json`` says: who made it, of which schema, with which settings,
how many rows each table held, and each file's checksum."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

FORMAT = 1  # the manifest's own format; a restore reads only the formats it knows


class FileEntry(BaseModel):
    sha256: str
    bytes: int


class Manifest(BaseModel):
    format: int
    kasasu_version: str
    schema_revision: str
    database: str  # sqlite or postgresql
    created_at: datetime
    settings: dict[str, str]  # the settings the figures depend on (zone, currency, …)
    rows: dict[str, int]  # per table of the operational database
    events: int  # usage events in the event store
    files: dict[str, FileEntry]
