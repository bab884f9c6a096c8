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

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kasasu.accounts.service import account_ids, account_refs, set_external_id
from kasasu.db.audit import through
from kasasu.domain.dates import parse_instant
from kasasu.errors import FieldError, InvalidInput
from kasasu.imports.profile_specs import HEADER_ROW, Profile, profile_named, profiles
from kasasu.imports.readers import Cell, RawRow, Table, read_table
from kasasu.imports.repository import ImportRepository
from kasasu.imports.schemas import ImportKind, ImportOptions, ImportResult, Progress, RowError
from kasasu.imports.service import import_table
from kasasu.kit.i18n import _

__all__ = ["Profile", "import_with_profile", "profile_named", "profiles"]


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
    profile = profile_named(name, options.profiles_file)
    data = source.read_bytes() if isinstance(source, Path) else source
    table = read_table(data, filename)
    _require(profile, table.headers)
    kept = [r for r in table.rows if not _is_footer(profile, table.headers, r)]
    own = {r.number: str(r.values[profile.id]).strip() for r in kept
           if r.values.get(profile.id) not in (None, "")}  # fmt: skip
    rows = [_row(profile, raw, options.zone) for raw in kept]
    refs = _refs(session, profile, rows, list(own.values()))
    strangers = _strangers(profile, rows, refs)
    rows = [r for r in rows if r.number not in {e.row for e in strangers}]
    for row in rows:
        _resolve(profile, row, refs)
    overrides = {**profile.columns, "external_id": profile.id, **_made(profile)}
    if profile.account:
        overrides["account"] = profile.account_column
    narrowed = Table(list(dict.fromkeys(overrides.values())), rows, table.broken, table.encoding)
    with through("import"):
        result = import_table(session, profile.kind, narrowed, _with(options, overrides), progress)
        if profile.kind is ImportKind.ACCOUNTS and not options.dry_run:
            _link(session, profile, rows, own, {e.row for e in result.skipped})
    if strangers:
        skipped = sorted([*strangers, *result.skipped], key=lambda e: e.row)
        result = replace(result, rows=result.rows + len(strangers), skipped=skipped)
    return result


def _strangers(profile: Profile, rows: list[RawRow], refs: dict[str, str]) -> list[RowError]:
    """Rows of an export that names only a person (``match: contact``) whose email is no
    customer's contact (a website visitor's chat rating): left out and named, not refused."""
    if profile.match != "contact" or not profile.account:
        return []
    header = profile.account
    found = []
    for row in rows:
        email = str(row.values.get(header) or "").strip()
        if _first(email).lower() not in refs:
            reason = _("Not the email of a customer's contact: left out")
            found.append(RowError(row.number, header, email or None, reason))
    return found


def _made(profile: Profile) -> dict[str, str]:
    """The fields a profile makes from several cells, and the header their errors name."""
    made = {f: " + ".join(hs) for f, hs in (*profile.join.items(), *profile.plus_minutes.items())}
    made |= {f: f"{h} ({_DAY})" for f, h in profile.days.items()}
    return made | {f: f"{f} ({_PROFILE})" for f in profile.values}


_DAY = "day"
_PROFILE = "profile"  # a value the profile sets for every row (Chatwoot's ratings are CSAT)


def _is_footer(profile: Profile, headers: list[str], raw: RawRow) -> bool:
    """A report's closing line (Chatwoot's "Reporting period … to …"), which sits in the
    first column of a row of its own: not a record."""
    if not profile.footer or not headers:
        return False
    first = str(raw.values.get(headers[0]) or "")
    rest = [v for h, v in raw.values.items() if h != headers[0] and v not in (None, "")]
    return first.startswith(profile.footer) and not rest


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
    for name, value in profile.values.items():
        values[made[name]] = value
    if profile.account:
        values[profile.account_column] = raw.values.get(profile.account)
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
    column = profile.account_column if profile.account else ""
    named = [_first(str(r.values[column])) for r in rows if r.values.get(column)]
    if profile.match == "contact":  # a row naming only its contact (Chatwoot's CSAT export)
        return ImportRepository(session).accounts_by_contact_email(named)
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
    column = profile.account_column if profile.account else ""
    if column and row.values.get(column) not in (None, ""):
        ref = _first(str(row.values[column]))
        row.values[column] = refs.get(ref) or refs.get(ref.casefold()) or ref


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
