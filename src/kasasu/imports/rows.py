"""Rows of a file → checked values for a slice, with every problem as a :class:`RowError`.

Three passes over the rows, so that look-ups happen once per file, not once per row:
parse each cell; resolve references (account, contact, user) in bulk; validate each row with
the slice's ``<Entity>Create`` schema and cross-field rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.accounts.service import account_ids
from kasasu.errors import InvalidInput
from kasasu.imports.kinds import REFERENCES, Column, KindSpec
from kasasu.imports.mapping import ColumnMap
from kasasu.imports.readers import Cell, RawRow
from kasasu.imports.repository import ImportRepository
from kasasu.imports.schemas import ImportOptions, RowError
from kasasu.imports.values import (
    as_bool,
    as_choice,
    as_currency,
    as_custom,
    as_date,
    as_decimal,
    as_instant,
    as_int,
    as_money,
    as_text,
    is_empty,
)
from kasasu.kit.i18n import Message, _
from kasasu.kit.validation import pydantic_reason
from kasasu.pipeline.service import lead_ids
from kasasu.users.service import get_user_by_email


@dataclass
class ParsedRow:
    number: int
    raw: dict[str, Cell]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)

    def fail(self, column: str, reason: Message, value: object = None) -> None:
        shown = value if value is not None else self.raw.get(column)
        self.errors.append(RowError(self.number, column, shown, reason))


@dataclass(frozen=True)
class RowContext:
    spec: KindSpec
    columns: ColumnMap
    options: ImportOptions

    def header(self, key: str) -> str:
        """The file's header for a schema field, else the field's name (a missing column)."""
        for column in self.spec.columns:
            if column.key == key:
                return self.columns.columns.get(column.field, column.field)
        return key


def parse_row(ctx: RowContext, raw: RawRow) -> ParsedRow:
    row = ParsedRow(raw.number, raw.values)
    for column in ctx.spec.columns:
        header = ctx.columns.columns.get(column.field)
        if header is None or is_empty(raw.values.get(header)):
            continue
        try:
            _parse_cell(ctx, row, column, raw.values[header])
        except InvalidInput as exc:
            row.fail(header, exc.message)
    if any(c.parse == "money" for c in ctx.spec.columns):
        row.values.setdefault("currency", ctx.options.currency)
    if ctx.spec.reporting_currency:
        row.values.setdefault(ctx.spec.reporting_currency, ctx.options.currency)
    if ctx.spec.custom_fields:
        row.values["custom_fields"] = {
            h: as_custom(raw.values.get(h))
            for h in ctx.columns.unmapped
            if not is_empty(raw.values.get(h))
        }
    if ctx.spec.finish is not None:
        ctx.spec.finish(row.values)
    return row


def _parse_cell(ctx: RowContext, row: ParsedRow, column: Column, cell: Cell) -> None:
    parse, key = column.parse, column.key
    if isinstance(parse, type):
        row.values[key] = as_choice(parse, cell)
    elif parse == "money":
        stated = row.values.get("currency")
        money = as_money(cell, stated or ctx.options.currency)
        if stated and money.currency != stated:
            raise InvalidInput(
                _(
                    "The amount is in {amount_currency} but the currency column says {currency}",
                    amount_currency=money.currency,
                    currency=stated,
                )
            )
        row.values[key], row.values["currency"] = money.amount, money.currency
    elif parse == "instant":
        row.values[key] = as_instant(cell, ctx.options.zone)
    else:
        row.values[key] = _SIMPLE[parse](cell)


_SIMPLE: dict[str, Callable[[Cell], Any]] = {
    "text": as_text,
    "int": as_int,
    "decimal": as_decimal,
    "bool": as_bool,
    "date": as_date,
    "currency": as_currency,
    # References stay text until they are looked up for the whole file.
    "account": as_text,
    "contact": as_text,
    "user": as_text,
    "lead": as_text,
}


def resolve_references(session: Session, ctx: RowContext, rows: list[ParsedRow]) -> None:
    """Replace account/contact/user/lead texts by row ids, in bulk; unknown ones are row
    errors."""
    for column in ctx.spec.columns:
        if column.parse not in REFERENCES or column.field not in ctx.columns.columns:
            continue
        keys = [r.values[column.key] for r in rows if column.key in r.values]
        header = ctx.columns.columns[column.field]
        if column.parse == "account":
            found = account_ids(session, keys)
            _substitute(rows, column.key, header, found, _("No account with external id {value}"))
        elif column.parse == "lead":
            found = lead_ids(session, keys)
            _substitute(rows, column.key, header, found, _("No lead with external id {value}"))
        elif column.parse == "user":
            users = {k: get_user_by_email(session, k) for k in dict.fromkeys(keys)}
            ids = {k: u.id for k, u in users.items() if u is not None}
            _substitute(rows, column.key, header, ids, _("No user with email {value}"))
        else:
            lenient = ctx.options.contacts_if_known
            _resolve_contacts(session, rows, column.key, header, keys, lenient=lenient)


def _substitute(
    rows: Iterable[ParsedRow], key: str, header: str, found: dict[str, int], reason: Message
) -> None:
    for row in rows:
        if key not in row.values:
            continue
        text = row.values[key]
        if text in found:
            row.values[key] = found[text]
        else:
            del row.values[key]
            row.fail(header, Message(reason.msgid, {"value": text}), text)


def _resolve_contacts(
    session: Session,
    rows: list[ParsedRow],
    key: str,
    header: str,
    keys: list[str],
    *,
    lenient: bool = False,
) -> None:
    """A contact is named by external id or email, and must belong to the row's account
    (``lenient``: a contact not known there is left out, as a helpdesk's requester who is
    not one of the account's contacts)."""
    by_key: dict[str, list[tuple[int, int]]] = {}
    for contact in ImportRepository(session).contacts_by_key(keys):
        for name in (contact.external_id, (contact.email or "").lower()):
            if name:
                by_key.setdefault(name, []).append((contact.id, contact.account_id))
    for row in rows:
        if key not in row.values:
            continue
        text = row.values.pop(key)
        matches = by_key.get(text) or by_key.get(text.lower()) or []
        account_id = row.values.get("account_id")
        mine = [cid for cid, aid in matches if aid == account_id]
        if mine:
            row.values[key] = mine[0]
        elif lenient:
            continue
        elif matches and isinstance(account_id, int):
            row.fail(header, _("Contact {value} belongs to another account", value=text), text)
        elif not matches:
            row.fail(header, _("No contact with external id or email {value}", value=text), text)


def validate_row(ctx: RowContext, row: ParsedRow) -> dict[str, Any] | None:
    """The row as the schema dumps it, or None after recording why it is not valid."""
    try:
        model = ctx.spec.schema.model_validate(row.values)
    except ValidationError as exc:
        # A cell that failed to parse is already reported; its absence is not a second error.
        reported = {e.column for e in row.errors}
        for error in exc.errors():
            key = str(error["loc"][0]) if error["loc"] else "external_id"
            header = ctx.header(key)
            if key == "currency" and "currency" not in ctx.columns.columns:
                header = ctx.header("amount")
            if header not in reported:
                row.fail(header, pydantic_reason(error))
        return None
    values = model.model_dump()
    if ctx.spec.rules is not None:
        for problem in ctx.spec.rules(values):
            name = str(problem.loc[-1])
            row.fail(ctx.header(name), problem.message, row.raw.get(ctx.header(name)))
    return None if row.errors else values
