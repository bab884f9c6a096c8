"""Entries of the audit log as the API, the pages and the exports read them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator

from kasasu.domain.choices import ActorKind
from kasasu.kit.types import READ_CONFIG, Moment, RowId

ORIGINS = ("api", "web", "import", "playbook", "rules", "cli", "system")
ACTIONS = ("insert", "update", "delete")


def _actor_kind(value: object) -> object:
    known = {k.value: k for k in ActorKind}
    return known.get(value, value) if isinstance(value, str) else value


class AuditEntryRead(BaseModel):
    model_config = READ_CONFIG

    id: RowId
    at: Moment
    # A kind this version does not know stays as it was stored.
    actor_kind: Annotated[ActorKind | str, BeforeValidator(_actor_kind)]
    actor_id: int | None
    actor_name: str
    origin: str
    client: str | None
    request_id: str | None
    action: str
    entity: str
    entity_id: int | None
    account_id: int | None
    field: str | None
    before: str | None
    after: str | None


class AuditPage(BaseModel):
    items: list[AuditEntryRead]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class AuditFilters:
    """What the log is narrowed to; days are in the reporting time zone, both included."""

    entity: str | None = None
    entity_id: int | None = None
    actor: str | None = None  # the actor's name (a user's email, a key's name), exactly
    origin: str | None = None
    account_id: int | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class PruneResult:
    before: date
    entries: int
