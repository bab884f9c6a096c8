"""The audit log's capture: every write of an audited row, in one place.

A session event records, after each flush, the rows inserted, updated and deleted with each
changed field's value before and after (from SQLAlchemy's attribute history), in the same
transaction as the change: a rolled-back change leaves no entry, a committed one always has
its entries. Bulk ``UPDATE``/``DELETE`` statements on audited tables (which skip the flush)
are recorded by reading the rows before and after.

Who and from where come from a context variable that the edges set (:func:`acting`): the API
key's dependency and the signed-in user (per request, with the client's address and
``X-Request-ID``), the CLI, and narrowed by the import service and the playbook executor
(:func:`through`). Work no edge claims (the scheduler inside ``kasasu serve``) is "system".

Not audited: the log itself, and tables derived by the daily refresh or that are logs of
their own (:data:`SKIPPED_TABLES`); fields that change on every read or write
(:data:`SKIPPED_FIELDS`). Secrets (any field whose name says password, hash, token or
secret) are never written: their entry says "changed".
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, UOWTransaction

from kasasu.models.audit import AuditEntry

# Derived by the daily refresh (re-written for a day at every run), or logs of their own.
SKIPPED_TABLES = frozenset(
    {
        "audit_log",
        "audit_prunes",
        "health_scores",  # refresh: scores and their measures
        "feature_snapshots",  # refresh: per-account features of a day
        "segment_members",  # refresh: entered/left history of segments
        "playbook_runs",  # the playbook log; what its actions change is audited
        "playbook_actions",
        "cached_results",  # read models kept between requests, recomputed from the data
        "job_locks",  # who runs the refresh of a day, renewed every minute while it runs
        "job_runs",  # the job history: each scheduled run, written by the job itself
        "owner_assignments",  # the ownership rules' log; the owner they set is audited
        "sdk_visitors",  # the product's users' visits, written on their page loads
        "guide_viewers",  # what each of them saw of a guide, likewise
        "search_documents",  # full-text index, rewritten from the thing it indexes
        "knowledge_views",  # help-centre readers' views, votes and searches
        "knowledge_votes",
        "knowledge_searches",
    }
)
# Bookkeeping that changes on every write or every use of a key, and what is derived from
# audited fields (an account's search text, from its name, reading, id and domain).
SKIPPED_FIELDS = frozenset(
    {"created_at", "updated_at", "last_used_at", "last_used_from", "search_text"}
)
SECRET = re.compile(r"password|hash|token|secret", re.IGNORECASE)
CHANGED = "changed"  # what an entry says instead of a secret
MAX_VALUE = 2000  # characters kept of a value (a long description is cut, marked with …)


@dataclass(frozen=True)
class Origin:
    """Who acts (``actor_*``) and through what (``origin``: api, web, import, playbook, cli,
    system), from where (``client`` address, ``request_id``)."""

    origin: str = "system"
    actor_kind: str = "system"  # user, api_key, playbook, cli, visitor, system
    actor_id: int | None = None
    actor_name: str = "system"
    client: str | None = None
    request_id: str | None = None


SYSTEM = Origin()
_current: ContextVar[Origin | None] = ContextVar("kasasu_audit_origin", default=None)


def current_origin() -> Origin:
    return _current.get() or SYSTEM


@contextmanager
def acting(origin: Origin) -> Iterator[Origin]:
    """Writes inside the block are recorded as ``origin``'s."""
    token = _current.set(origin)
    try:
        yield origin
    finally:
        _current.reset(token)


@contextmanager
def through(origin: str, **actor: Any) -> Iterator[Origin]:
    """The current actor, through ``origin`` (an import, a playbook action), from the same
    place; ``actor`` replaces who acts (a playbook acts for itself)."""
    with acting(replace(current_origin(), origin=origin, **actor)) as narrowed:
        yield narrowed


REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def request_id(header: str | None) -> str | None:
    """A client's ``X-Request-ID`` when it is a plain token of at most 64 characters."""
    return header if header and REQUEST_ID.fullmatch(header) else None


def install() -> None:
    """Record the writes of every session (once per process; called with each engine)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "do_orm_execute", _bulk_statement)


def audited(table_name: str) -> bool:
    return table_name not in SKIPPED_TABLES


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    rows: list[dict[str, Any]] = []
    for obj in session.new:
        rows += _entries(obj, "insert")
    for obj in session.dirty:
        rows += _entries(obj, "update")
    for obj in session.deleted:
        rows += _entries(obj, "delete")
    _write(session, rows)


def _entries(obj: Any, action: str) -> list[dict[str, Any]]:
    state = inspect(obj)
    table = state.mapper.local_table
    if not audited(str(getattr(table, "name", ""))):
        return []
    changes: list[tuple[str | None, Any, Any]] = []
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in SKIPPED_FIELDS or key == "id":
            continue
        if action == "update":
            history = state.attrs[key].history
            if not history.has_changes():
                continue
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before == after:
                continue
            changes.append((key, before, after))
        else:
            value = state.dict.get(key)
            if value is not None:
                changes.append((key, value, None) if action == "delete" else (key, None, value))
    if action == "update" and not changes:
        return []
    values = state.dict
    row_id = values.get("id")
    account = row_id if table.name == "accounts" else values.get("account_id")
    return _rows(table.name, action, row_id, account, changes or [(None, None, None)])


def _rows(
    entity: str,
    action: str,
    entity_id: Any,
    account_id: Any,
    changes: Sequence[tuple[str | None, Any, Any]],
) -> list[dict[str, Any]]:
    return [
        {
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "account_id": account_id,
            "field": name,
            "before": _secret_or_text(name, before, action == "delete"),
            "after": _secret_or_text(name, after, action != "delete"),
        }
        for name, before, after in changes
    ]


def _secret_or_text(name: str | None, value: Any, side: bool) -> str | None:
    if name and SECRET.search(name):
        return CHANGED if side else None  # set, replaced or cleared: never the value
    return as_text(value)


def as_text(value: Any) -> str | None:
    """A value as the log shows it: text as written, dates in ISO, JSON for the rest."""
    if value is None:
        return None
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    elif isinstance(value, str):
        text = value
    elif isinstance(value, int | float):
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _write(session: Session, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    origin = current_origin()
    stamp = {
        "at": datetime.now(UTC),
        "actor_kind": origin.actor_kind,
        "actor_id": origin.actor_id,
        "actor_name": origin.actor_name[:320],
        "origin": origin.origin,
        "client": origin.client[:64] if origin.client else None,
        "request_id": origin.request_id,
    }
    session.connection().execute(insert(AuditEntry), [{**stamp, **r} for r in rows])


def _bulk_statement(state: ORMExecuteState) -> Any:
    """``UPDATE``/``DELETE`` statements with a WHERE on an audited table: the rows before
    (and after an update), compared like a flush."""
    if not (state.is_update or state.is_delete):
        return None
    mapper: Mapper[Any] | None = state.bind_mapper
    where = getattr(state.statement, "whereclause", None)
    if mapper is None or where is None or not audited(str(mapper.local_table.name)):  # type: ignore[attr-defined]  # a Table
        return None
    table: Any = mapper.local_table
    if "id" not in table.c:  # every audited table has an id; a new one without is a bug here
        raise TypeError(f"{table.name} has no id column: add it to SKIPPED_TABLES or give it one")
    session = state.session
    found = select(table).where(where).order_by(table.c.id)
    before = {r.id: r._asdict() for r in session.execute(found)}
    result = state.invoke_statement()
    if not before:
        return result
    after: dict[Any, dict[str, Any]] = {}
    if state.is_update:
        again = select(table).where(table.c.id.in_(list(before)))
        after = {r.id: r._asdict() for r in session.execute(again)}
    rows: list[dict[str, Any]] = []
    for row_id, old in before.items():
        new = after.get(row_id)
        account = row_id if table.name == "accounts" else old.get("account_id")
        changes: list[tuple[str | None, Any, Any]]
        if new is None:  # deleted (or an update's row that is gone)
            changes = [(k, v, None) for k, v in old.items() if v is not None and _kept(k)]
            rows += _rows(table.name, "delete", row_id, account, changes or [(None, None, None)])
            continue
        changes = [(k, v, new[k]) for k, v in old.items() if _kept(k) and new[k] != v]
        if changes:
            rows += _rows(table.name, "update", row_id, account, changes)
    _write(session, rows)
    return result


def _kept(field: str) -> bool:
    return field != "id" and field not in SKIPPED_FIELDS
