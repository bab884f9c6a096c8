"""Reading the audit log (filters, pages with a total, exports) and its one deletion: the
retention prune an admin runs with ``kasasu audit prune --before DATE``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kasasu.audit.repository import AuditRepository
from kasasu.audit.schemas import AuditEntryRead, AuditFilters, AuditPage, PruneResult
from kasasu.domain.dates import local_midnight
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _
from kasasu.kit.paging import MAX_LIMIT

EXPORT_MAX = 100_000  # entries in one file: narrow the filters for more
HEADERS = (
    _("Id"),
    _("When"),
    _("Actor"),
    _("Actor kind"),
    _("Origin"),
    _("Client"),
    _("Request id"),
    _("Action"),
    _("Entity"),
    _("Entity id"),
    _("Account id"),
    _("Field"),
    _("Before"),
    _("After"),
)


def list_entries(
    session: Session, filters: AuditFilters, zone: str, *, page: int = 1, per_page: int = 50
) -> AuditPage:
    """One page of matching entries, newest first, with how many match in all."""
    if page < 1 or not 1 <= per_page <= MAX_LIMIT:
        raise InvalidInput(
            _("Page out of range"),
            [FieldError(("query", "page"), _("At least 1"), page)]
            if page < 1
            else [FieldError(("query", "per_page"), _("Between 1 and {n}", n=MAX_LIMIT))],
        )
    repo = AuditRepository(session)
    where = _where(filters, zone)
    rows = repo.list_page(where, offset=(page - 1) * per_page, limit=per_page)
    return AuditPage(
        items=[AuditEntryRead.model_validate(r) for r in rows],
        total=repo.count(where),
        page=page,
        per_page=per_page,
    )


def account_history(session: Session, account_id: int, limit: int = 20) -> list[AuditEntryRead]:
    """The latest entries about an account and the rows that hang off it."""
    rows = AuditRepository(session).list_page({"account_id": account_id}, offset=0, limit=limit)
    return [AuditEntryRead.model_validate(r) for r in rows]


def export_rows(session: Session, filters: AuditFilters, zone: str) -> Iterator[list[Any]]:
    """Every matching entry as a row under :data:`HEADERS`, times in ``zone``; a file that
    would hold more than :data:`EXPORT_MAX` is refused (never cut short without a word)."""
    local = ZoneInfo(zone)
    repo = AuditRepository(session)
    where = _where(filters, zone)
    total = repo.count(where)
    if total > EXPORT_MAX:
        raise InvalidInput(
            _(
                "{total} entries match, more than the {max} one file may hold; narrow the "
                "filters (dates, entity, actor) and export again",
                total=f"{total:,}",
                max=f"{EXPORT_MAX:,}",
            )
        )
    for e in repo.iterate(where):
        yield [
            e.id,
            e.at.astimezone(local).strftime("%Y-%m-%d %H:%M:%S"),
            e.actor_name,
            e.actor_kind,
            e.origin,
            e.client or "",
            e.request_id or "",
            e.action,
            e.entity,
            e.entity_id if e.entity_id is not None else "",
            e.account_id if e.account_id is not None else "",
            e.field or "",
            e.before if e.before is not None else "",
            e.after if e.after is not None else "",
        ]


def prune_before(session: Session, day: date, zone: str, actor_name: str) -> PruneResult:
    """Delete the entries before ``day`` (00:00 in ``zone``), recording the prune first."""
    moment = local_midnight(day, zone)
    repo = AuditRepository(session)
    entries = repo.count_before(moment)
    repo.prune(moment, actor_name, entries)
    return PruneResult(before=day, entries=entries)


def _where(filters: AuditFilters, zone: str) -> dict[str, Any]:
    if filters.since and filters.until and filters.since > filters.until:
        raise InvalidInput(
            _("The date range is empty"),
            [FieldError(("query", "until"), _("On or after the start"), str(filters.until))],
        )
    return {
        "entity": filters.entity or None,
        "entity_id": filters.entity_id,
        "actor_name": filters.actor or None,
        "origin": filters.origin or None,
        "account_id": filters.account_id,
        "since": local_midnight(filters.since, zone) if filters.since else None,
        "until": local_midnight(filters.until + timedelta(days=1), zone) if filters.until else None,
    }
