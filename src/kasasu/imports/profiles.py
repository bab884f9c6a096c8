"""Import profiles: presets of the importer for other systems' standard exports (HubSpot,
Salesforce, Zendesk, Freshdesk; ``profiles.yaml``, docs/connectors.md).

A profile names the export's columns, keeps the system's own id of each account
(``account_external_ids``) so that the next export finds the same accounts, and resolves
other rows' account references through those ids (or the account's name or domain). Only
the profile's columns are read: an export's hundred other properties do not become custom
fields. The rows then go through the importer like any file: all or nothing, every bad
row named by its row and column as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy.orm import Session

from kasasu.accounts.service import account_ids, account_refs, set_external_id
from kasasu.db.audit import through
from kasasu.domain.dates import parse_instant
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.imports.readers import Cell, RawRow, Table, read_table
from kasasu.imports.schemas import ImportKind, ImportOptions, ImportResult, Progress
from kasasu.imports.service import import_table
from kasasu.kit.i18n import _

HEADER_ROW = 1


@dataclass(frozen=True)
class Profile:
    name: str
    vendor: str
    export: str
    kind: ImportKind
    source: str
    id: str
    match: str
    account: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    join: dict[str, list[str]] = field(default_factory=dict)
    plus_minutes: dict[str, list[str]] = field(default_factory=dict)
    days: dict[str, str] = field(default_factory=dict)
    sample: str = ""

    @property
    def headers(self) -> list[str]:
        """Every column of the export the profile reads."""
        made = [h for hs in (*self.join.values(), *self.plus_minutes.values()) for h in hs]
        made += list(self.days.values())
        named = [self.id, *([self.account] if self.account else []), *self.columns.values()]
        return list(dict.fromkeys([*named, *made]))


@cache
def profiles() -> dict[str, Profile]:
    text = resources.files("kasasu.imports").joinpath("profiles.yaml").read_text("utf-8")
    raw: dict[str, dict[str, Any]] = yaml.safe_load(text)
    return {
        name: Profile(name=name, **{**spec, "kind": ImportKind(spec["kind"])})
        for name, spec in raw.items()
    }


def profile_named(name: str) -> Profile:
    found = profiles().get(name)
    if found is None:
        raise NotFound(
            _("No import profile {name} (there are: {names})", name=name,
              names=", ".join(profiles()))
        )  # fmt: skip
    return found


def import_with_profile(
    session: Session,
    name: str,
    source: Path | bytes,
    filename: str,
    options: ImportOptions,
    *,
    progress: Progress | None = None,
) -> ImportResult:
    """Import another system's export with profile ``name``."""
    profile = profile_named(name)
    data = source.read_bytes() if isinstance(source, Path) else source
    table = read_table(data, filename)
    _require(profile, table.headers)
    own = {r.number: str(r.values[profile.id]).strip() for r in table.rows
           if r.values.get(profile.id) not in (None, "")}  # fmt: skip
    rows = [_row(profile, raw, options.zone) for raw in table.rows]
    refs = _refs(session, profile, rows, list(own.values()))
    for row in rows:
        _resolve(profile, row, refs)
    overrides = {**profile.columns, "external_id": profile.id, **_made(profile)}
    if profile.account:
        overrides["account"] = profile.account
    narrowed = Table(list(dict.fromkeys(overrides.values())), rows, table.broken, table.encoding)
    with through("import"):
        result = import_table(session, profile.kind, narrowed, _with(options, overrides), progress)
        if profile.kind is ImportKind.ACCOUNTS and not options.dry_run:
            _link(session, profile, rows, own, {e.row for e in result.skipped})
    return result


def _made(profile: Profile) -> dict[str, str]:
    """The fields a profile makes from several cells, and the header their errors name."""
    made = {f: " + ".join(hs) for f, hs in (*profile.join.items(), *profile.plus_minutes.items())}
    return {**made, **{f: f"{h} ({_DAY})" for f, h in profile.days.items()}}


_DAY = "day"


def _require(profile: Profile, headers: list[str]) -> None:
    missing = [h for h in profile.headers if h not in headers]
    if missing:
        errors = [FieldError((HEADER_ROW, h), _("Missing column"), None) for h in missing]
        raise InvalidInput(
            _("This is not a {vendor} export for profile {name}: columns missing: {columns}",
              vendor=profile.vendor, name=profile.name, columns=", ".join(missing)),
            errors,
        )  # fmt: skip


def _row(profile: Profile, raw: RawRow, zone: str) -> RawRow:
    values: dict[str, Cell] = {h: raw.values.get(h) for h in profile.headers}
    made = _made(profile)
    for name, parts in profile.join.items():
        words = [str(raw.values[h]).strip() for h in parts if raw.values.get(h) not in (None, "")]
        values[made[name]] = " ".join(words) or None
    for name, (start, minutes) in profile.plus_minutes.items():
        values[made[name]] = _plus_minutes(raw.values.get(start), raw.values.get(minutes), zone)
    for name, header in profile.days.items():
        values[made[name]] = _local_day(raw.values.get(header), zone)
    return RawRow(raw.number, values)


def _plus_minutes(start: Cell, minutes: Cell, zone: str) -> Cell:
    """An instant ``minutes`` after ``start`` (None when either cannot be read)."""
    if start in (None, "") or minutes in (None, ""):
        return None
    try:
        at = parse_instant(str(start), zone)
        return (at + timedelta(minutes=float(str(minutes)))).isoformat()
    except (ValueError, InvalidInput):
        return None


def _local_day(cell: Cell, zone: str) -> Cell:
    """The local day of a CRM's date-time (Salesforce's CreatedDate is UTC); a cell that is
    not a time is left for the importer to name."""
    if cell in (None, "") or isinstance(cell, date):
        return cell
    try:
        return parse_instant(str(cell), zone).astimezone(ZoneInfo(zone)).date()
    except InvalidInput:
        return cell


def _refs(session: Session, profile: Profile, rows: list[RawRow], ids: list[str]) -> dict[str, str]:
    if profile.kind is ImportKind.ACCOUNTS:
        found = account_refs(session, profile.source, ids, "source")
        matched = profile.columns.get(profile.match)
        if matched:
            values = [str(r.values[matched]) for r in rows if r.values.get(matched)]
            found.update(account_refs(session, profile.source, values, profile.match))
        return found
    column = profile.account or ""
    named = [_first(str(r.values[column])) for r in rows if r.values.get(column)]
    return account_refs(session, profile.source, named, profile.match)


def _first(ref: str) -> str:
    """HubSpot lists a contact's companies separated by ";": the first is its primary."""
    return ref.split(";", maxsplit=1)[0].strip()


def _resolve(profile: Profile, row: RawRow, refs: dict[str, str]) -> None:
    """Put Kasasu's external ids in the id and account cells (an account reference that
    resolves to none is left as written: the importer names it)."""
    own = row.values.get(profile.id)
    if own not in (None, ""):
        own = str(own).strip()
        if profile.kind is ImportKind.ACCOUNTS:
            matched = profile.columns.get(profile.match)
            by_match = str(row.values.get(matched) or "").casefold() if matched else ""
            found = refs.get(own) or refs.get(by_match)
            row.values[profile.id] = found or f"{profile.source}:{own}"
        else:
            row.values[profile.id] = f"{profile.source}:{own}"
    if profile.account and row.values.get(profile.account) not in (None, ""):
        ref = _first(str(row.values[profile.account]))
        row.values[profile.account] = refs.get(ref) or refs.get(ref.casefold()) or ref


def _link(
    session: Session, profile: Profile, rows: list[RawRow], own: dict[int, str], bad: set[int]
) -> None:
    """Keep the system's id of every account written, so its next export finds them."""
    good = [(own[r.number], str(r.values[profile.id])) for r in rows
            if r.number in own and r.number not in bad]  # fmt: skip
    ids = account_ids(session, [ref for _own, ref in good])
    for system_id, ref in good:
        if ref in ids:
            set_external_id(session, ids[ref], profile.source, system_id)


def _with(options: ImportOptions, overrides: dict[str, str]) -> ImportOptions:
    return replace(options, overrides=overrides, contacts_if_known=True)
