"""The shared shape of every slice's repository: get, list with filters, sort and cursor.

Slices subclass :class:`Repository` in their own ``repository.py``; only repositories (and
``kasasu.analytics``) build queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Column, ColumnElement, FromClause, Select, and_, func, not_, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from kasasu.domain.search import fold
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _
from kasasu.kit.paging import CursorKey, Page, decode_cursor, encode_cursor
from kasasu.models.base import Base

M = TypeVar("M", bound=Base)
BOUND_CHUNK = 900  # values of one IN (...): SQLite allows ~1000 bound parameters a statement


def chunked(values: Sequence[Any], size: int = BOUND_CHUNK) -> Iterable[Sequence[Any]]:
    """``values`` in slices of ``size``, for IN lists that must stay under the bound limit."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


RANGE_SUFFIXES = {"_from": "ge", "_to": "le", "_min": "ge", "_max": "le"}
# The filter key of conditions a higher slice's repository built over its own tables (the
# workspace's "band on the latest refresh day", say): the slice below never names them.
WHERE = "where"


class Repository(Generic[M]):
    model: ClassVar[type[Any]]
    sortable: ClassVar[tuple[str, ...]] = ("id", "created_at", "updated_at")
    default_sort: ClassVar[str] = "id"
    searchable: ClassVar[tuple[str, ...]] = ()
    # Or one column of folded text (kasasu.domain.search: kana, width, romaji) to search in.
    folded: ClassVar[str | None] = None

    def __init__(self, session: Session) -> None:
        self.session = session

    def _column(self, name: str) -> InstrumentedAttribute[Any]:
        column: InstrumentedAttribute[Any] = getattr(self.model, name)
        return column

    def get(self, row_id: int) -> M | None:
        found: M | None = self.session.get(self.model, row_id)
        return found

    def dangling(self, values: Mapping[str, Any]) -> list[str]:
        """The fields of ``values`` that point, by one of the model's foreign keys, at a row
        that does not exist."""
        columns = self.model.__table__.columns
        return [
            column.key
            for column in columns
            if values.get(column.key) is not None
            and any(self._missing(key.column, values[column.key]) for key in column.foreign_keys)
        ]

    def _missing(self, target: Column[Any], value: Any) -> bool:
        mapped = _mapped_class(target.table)
        if mapped is not None and list(target.table.primary_key.columns) == [target]:
            return self.session.get(mapped, value) is None  # from the identity map if loaded
        return self.session.scalar(select(target).where(target == value).limit(1)) is None

    def get_by_external_id(self, external_id: str) -> M | None:
        stmt = select(self.model).where(self._column("external_id") == external_id)
        found: M | None = self.session.scalars(stmt).one_or_none()
        return found

    def map_external_ids(self, external_ids: Iterable[str]) -> dict[str, int]:
        """External id → row id, for those of ``external_ids`` that exist (in chunks)."""
        wanted = list(dict.fromkeys(external_ids))
        found: dict[str, int] = {}
        ext, row_id = self._column("external_id"), self._column("id")
        for start in range(0, len(wanted), 900):  # SQLite allows ~1000 bound parameters
            chunk = wanted[start : start + 900]
            rows = self.session.execute(select(ext, row_id).where(ext.in_(chunk)))
            # dict(result) would take the Result for a mapping (it has .keys()); pair rows up.
            found.update((external_id, found_id) for external_id, found_id in rows)
        return found

    def list_by_external_ids(self, external_ids: Iterable[str]) -> list[M]:
        """The rows with these external ids, fetched in chunks (one query per 900 ids)."""
        wanted = list(dict.fromkeys(external_ids))
        ext = self._column("external_id")
        rows: list[M] = []
        for start in range(0, len(wanted), 900):
            rows += self.session.scalars(
                select(self.model).where(ext.in_(wanted[start : start + 900]))
            )
        return rows

    def count(self, filters: Mapping[str, Any] | None = None) -> int:
        """Rows matching ``filters`` (as ``list_page`` reads them), all rows without."""
        stmt = self._filtered(select(func.count()).select_from(self.model), filters or {})
        return int(self.session.scalar(stmt) or 0)

    def ids(self, filters: Mapping[str, Any]) -> list[int]:
        """The ids of every row matching ``filters``, in id order (a bulk action's rows)."""
        stmt = self._filtered(select(self._column("id")), filters).order_by(self._column("id"))
        return [int(i) for i in self.session.scalars(stmt)]

    def add(self, row: M) -> M:
        self.session.add(row)
        self.session.flush()
        return row

    def insert_missing(
        self, values: Mapping[str, Any] | Sequence[Mapping[str, Any]], key: Sequence[str]
    ) -> None:
        """Insert ``values`` (a row, or several at once) unless a row with the same ``key`` (a
        unique constraint's columns) exists. Two requests creating the same row at once both
        succeed: on PostgreSQL the second waits for the first to commit, then inserts
        nothing."""
        rows = [values] if isinstance(values, Mapping) else list(values)
        if not rows:
            return
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        stmt = dialect.insert(self.model).on_conflict_do_nothing(index_elements=list(key))
        self.session.execute(stmt, rows)

    def add_all(self, rows: Sequence[M]) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def delete(self, row: M) -> None:
        self.session.delete(row)
        self.session.flush()

    def list_page(
        self,
        filters: Mapping[str, Any],
        *,
        sort: str | None = None,
        cursor: str | None = None,
        limit: int = 50,
        keys: Mapping[str, ColumnElement[Any]] | None = None,
    ) -> Page[M]:
        """A page of rows in ``sort`` order, after (or, from a previous-page cursor, before)
        the cursor's row. ``keys`` adds sorts by expressions over the row (a related table's
        value, as a correlated subquery) to the model's own ``sortable`` columns."""
        sort = sort or self.default_sort
        descending = sort.startswith("-")
        field = sort.lstrip("-")
        column = keys[field] if keys and field in keys else self._column(self._sort_field(sort))
        row_id = self._column("id")
        stmt = self._filtered(select(self.model, column.label("sort_value")), filters)
        key = _cursor_key(cursor, sort) if cursor else None
        backwards = key is not None and key.before
        if key is not None:
            after = self._after(column, row_id, key, descending=descending)
            stmt = stmt.where(not_(after) & (row_id != key.row_id) if backwards else after)
        # NULLs sort last in both directions so the keyset condition stays simple; a previous
        # page is read in the opposite order from its end, then put back in order. A NOT NULL
        # column goes without the NULL key, which would keep the database from reading the
        # column's index in order (a sort of the whole table per page, issue 21).
        nulls_last = [column.is_(None)] if _nullable(column) else []
        order = [*nulls_last, column.desc() if descending else column.asc()]
        order.append(row_id.desc() if descending else row_id.asc())
        if backwards:
            nulls_first = [column.is_not(None)] if nulls_last else []
            order = [*nulls_first, column.asc() if descending else column.desc()]
            order.append(row_id.asc() if descending else row_id.desc())
        found = list(self.session.execute(stmt.order_by(*order).limit(limit + 1)))
        more = len(found) > limit
        rows = found[:limit][::-1] if backwards else found[:limit]
        if not rows:
            return Page([], None)
        first, last = rows[0], rows[-1]
        following = more or backwards  # read backwards: the page we came from follows

        def at(row: Any, *, before: bool) -> str:
            value = _json_value(row.sort_value)
            return encode_cursor(CursorKey(sort, value, int(row[0].id), before))

        preceding = more if backwards else key is not None
        return Page(
            [row[0] for row in rows],
            at(last, before=False) if following else None,
            at(first, before=True) if preceding else None,
        )

    def _sort_field(self, sort: str) -> str:
        field = sort.lstrip("-")
        if field not in self.sortable:
            allowed = _("Sort by one of: {allowed}", allowed=", ".join(self.sortable))
            raise InvalidInput(
                _("Cannot sort by {field}", field=field),
                [FieldError(("query", "sort"), allowed, sort)],
            )
        return field

    def _after(
        self, column: Any, row_id: Any, key: CursorKey, *, descending: bool
    ) -> ColumnElement[bool]:
        if key.value is None:
            return and_(
                column.is_(None), row_id < key.row_id if descending else row_id > key.row_id
            )
        value = _python_value(column, key.value)
        beyond = column < value if descending else column > value
        tie = and_(column == value, row_id < key.row_id if descending else row_id > key.row_id)
        return or_(beyond, tie, column.is_(None)) if _nullable(column) else or_(beyond, tie)

    def _filtered(self, stmt: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        for name, value in filters.items():
            if value is None:
                continue
            if name == "q":
                stmt = stmt.where(self._search(str(value)))
                continue
            if name == WHERE:
                stmt = stmt.where(*value)
                continue
            for suffix, op in RANGE_SUFFIXES.items():
                if name.endswith(suffix) and hasattr(self.model, name.removesuffix(suffix)):
                    column = self._column(name.removesuffix(suffix))
                    stmt = stmt.where(column >= value if op == "ge" else column <= value)
                    break
            else:
                stmt = stmt.where(self._column(name) == value)
        return stmt

    def _search(self, text: str) -> ColumnElement[bool]:
        if self.folded is not None:  # folded text: the query is folded alike, then looked for
            folded = f"%{_escape_like(fold(text))}%"
            return self._column(self.folded).like(folded, escape="\\")
        pattern = f"%{_escape_like(text)}%"
        return or_(*(self._column(c).ilike(pattern, escape="\\") for c in self.searchable))


def _cursor_key(cursor: str, sort: str) -> CursorKey:
    key = decode_cursor(cursor)
    if key is None or key.sort != sort:
        reason = _("Use the next_cursor of the previous page")
        raise InvalidInput(_("Invalid cursor"), [FieldError(("query", "cursor"), reason, cursor)])
    return key


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if hasattr(value, "value"):  # enums
        return value.value
    return value


def _python_value(column: Any, value: Any) -> Any:
    python_type = column.type.python_type
    if python_type is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if python_type is dt.date:
        return dt.date.fromisoformat(value)
    return value


@cache
def _mapped_class(table: FromClause) -> type[Any] | None:
    """The model class mapped to ``table``, if any."""
    return next((m.class_ for m in Base.registry.mappers if m.local_table is table), None)


def _nullable(column: Any) -> bool:
    """Whether a sort key may be NULL: a model's column says so; any other expression (a
    related table's value) may."""
    return bool(getattr(getattr(column, "expression", column), "nullable", True))
