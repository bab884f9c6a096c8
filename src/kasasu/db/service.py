"""The shared behaviour of the slices' CRUD services.

A service checks references and uniqueness, turns rows into ``<Entity>Read`` schemas and
flushes; it never commits (the request, the CLI command or the job owns the transaction).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from kasasu.db.repository import Repository
from kasasu.errors import Conflict, FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import Message, _
from kasasu.kit.paging import Page
from kasasu.models.base import Base

M = TypeVar("M", bound=Base)
C = TypeVar("C", bound=BaseModel)
U = TypeVar("U", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)


@dataclass(frozen=True)
class UpsertResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


class CrudService(Generic[M, C, U, R]):
    """Create, read, update, delete, list and upsert one kind of row."""

    repository: ClassVar[type[Repository[Any]]]
    read_schema: ClassVar[type[BaseModel]]
    noun: ClassVar[Message]
    external_id_prefix: ClassVar[str] = "kasasu"

    def _repo(self, session: Session) -> Repository[M]:
        return self.repository(session)

    def _read(self, row: M) -> R:
        read: R = self.read_schema.model_validate(row)  # type: ignore[assignment]
        return read

    def _row(self, session: Session, row_id: int) -> M:
        row = self._repo(session).get(row_id)
        if row is None:
            raise NotFound(_("{noun} {id} does not exist", noun=self.noun, id=row_id))
        return row

    def get(self, session: Session, row_id: int) -> R:
        return self._read(self._row(session, row_id))

    def list_page(
        self,
        session: Session,
        filters: Mapping[str, Any],
        *,
        sort: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
        keys: Mapping[str, ColumnElement[Any]] | None = None,
    ) -> Page[R]:
        repo = self._repo(session)
        page = repo.list_page(filters, sort=sort, cursor=cursor, limit=limit, keys=keys)
        return Page([self._read(row) for row in page.items], page.next_cursor, page.prev_cursor)

    def ids(self, session: Session, filters: Mapping[str, Any]) -> list[int]:
        return self._repo(session).ids(filters)

    def count(self, session: Session, filters: Mapping[str, Any]) -> int:
        return self._repo(session).count(filters)

    def create(self, session: Session, data: C) -> R:
        values = data.model_dump()
        if "external_id" in values and not values["external_id"]:
            values["external_id"] = f"{self.external_id_prefix}-{uuid.uuid4().hex}"
        self._check(session, values, current=None)
        row = self._repo(session).model(**values)
        return self._read(self._repo(session).add(row))

    def update(self, session: Session, row_id: int, data: U) -> R:
        row = self._row(session, row_id)
        changes = data.model_dump(exclude_unset=True)
        self._refuse_clearing_required(row, changes)
        self._check(session, {**self._values(row), **changes}, current=row)
        for name, value in changes.items():
            setattr(row, name, value)
        session.flush()
        return self._read(row)

    def delete(self, session: Session, row_id: int) -> None:
        self._repo(session).delete(self._row(session, row_id))

    def upsert_many(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> UpsertResult:
        """Insert or update by ``external_id``; a row equal to the stored one is left alone.

        References must already be resolved and checked (the import does it for the batch).
        """
        repo = self._repo(session)
        stored = repo.list_by_external_ids(r["external_id"] for r in rows)
        existing: dict[str, M] = {getattr(row, "external_id"): row for row in stored}  # noqa: B009 - M is any slice's model
        created = updated = unchanged = 0
        new_rows = []
        for values in rows:
            row = existing.get(values["external_id"])
            if row is None:
                new_rows.append(repo.model(**values))
                created += 1
                continue
            changed = {k: v for k, v in values.items() if getattr(row, k) != v}
            if changed:
                for name, value in changed.items():
                    setattr(row, name, value)
                updated += 1
            else:
                unchanged += 1
        repo.add_all(new_rows)
        return UpsertResult(created, updated, unchanged)

    def _refuse_clearing_required(self, row: M, changes: Mapping[str, Any]) -> None:
        # An update leaves out what it does not change; an explicit null clears a field,
        # which only the table's nullable columns allow.
        columns = row.__table__.columns
        errors = [
            FieldError(("body", name), _("Required"), None)
            for name, value in changes.items()
            if value is None and name in columns and not columns[name].nullable
        ]
        if errors:
            raise InvalidInput(_("{noun} is not valid", noun=self.noun), errors)

    def _values(self, row: M) -> dict[str, Any]:
        return {c.key: getattr(row, c.key) for c in row.__table__.columns}

    def _check(self, session: Session, values: Mapping[str, Any], current: M | None) -> None:
        """Raise InvalidInput for a reference to no row (by the model's foreign keys),
        Conflict for a taken external id."""
        errors = [
            FieldError(("body", name), _("No such row: {value}", value=values[name]), values[name])
            for name in self._repo(session).dangling(values)
        ]
        errors += self.validate(session, values)
        if errors:
            raise InvalidInput(_("{noun} is not valid", noun=self.noun), errors)
        external_id = values.get("external_id")
        if external_id:
            other = self._repo(session).get_by_external_id(external_id)
            if other is not None and other is not current:
                raise Conflict(
                    _(
                        "{noun} with external id {external_id} already exists",
                        noun=self.noun,
                        external_id=external_id,
                    )
                )

    def validate(self, session: Session, values: Mapping[str, Any]) -> list[FieldError]:
        """Rules across fields of one row; slices override."""
        return []
