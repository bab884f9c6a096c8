"""Attendance exports of Zoom, Microsoft Teams and Google Meet read into one row per person
(kasasu.webinars.schemas.AttendanceRow), then recorded by kasasu.webinars.attendance.

The files are read by this slice's readers (any encoding they know: UTF-8, UTF-16 with a
BOM as Teams writes, CP932; CSV, TSV or .xlsx). An export with sections (Zoom's webinar
report: "Host Details", "Attendee Details"; Teams': "1. Summary", "2. Participants", "3.
In-Meeting Activities") is cut to the section whose header names an email column and a
join time: Zoom's attendee details, Teams' participants. Which columns each vendor writes
is in docs/webinars.md, with samples in examples/webinars/.

Times without a zone are wall time in ``zone`` (the tools write the organiser's); a time
that cannot be read leaves the event's start as the attendance time. Minutes are whole
minutes of each person's sessions added up (Zoom lists a rejoin as another row).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kasasu.errors import FieldError, InvalidInput
from kasasu.imports.readers import EXCEL_SUFFIXES, Cell, Table, detect_encoding, read_table
from kasasu.kit.i18n import _
from kasasu.webinars.attendance import record_attendance
from kasasu.webinars.schemas import AttendanceOutcome, AttendanceRow, Vendor


@dataclass(frozen=True)
class Layout:
    vendor: Vendor
    marks: tuple[str, ...]  # headers (case-folded) that tell this export from the others
    email: tuple[str, ...]
    name: tuple[str, ...]
    joined: tuple[str, ...]
    minutes: tuple[str, ...]  # a number of minutes, or a duration ("1h 2m 3s", "1 hr 2 min")


LAYOUTS = (
    Layout(  # webinar attendee report; the meeting participants report has the others
        "zoom",
        ("time in session (minutes)",),
        ("email",),
        ("user name (original name)",),
        ("join time",),
        ("time in session (minutes)",),
    ),
    Layout(
        "zoom",
        ("duration (minutes)", "join time"),
        ("user email", "email"),
        ("name (original name)", "name"),
        ("join time",),
        ("duration (minutes)",),
    ),
    Layout(
        "teams",
        ("in-meeting duration",),
        ("email", "participant id (upn)"),
        ("name", "full name"),
        ("first join", "join time"),
        ("in-meeting duration", "duration"),
    ),
    Layout(
        "meet",
        ("time joined",),
        ("email",),
        ("first name",),
        ("time joined",),
        ("duration",),
    ),
)
_WHEN = (
    "%m/%d/%Y %I:%M:%S %p",  # Zoom (US)
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M %p",
    "%Y/%m/%d %H:%M:%S",  # Zoom and Teams in Japanese
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%m/%d/%y, %I:%M:%S %p",  # Teams (US)
    "%m/%d/%y %I:%M:%S %p",
    "%Y-%m-%dT%H:%M:%S%z",
    "%Y-%m-%dT%H:%M:%S",
)
_PART = re.compile(r"(\d+)\s*(hours|hour|hrs|hr|h|時間|minutes|mins|min|m|分|secs|sec|s|秒)")
_ATTENDEES = re.compile(r"attendee details|participants", re.IGNORECASE)
_CLOCK = re.compile(r"^(\d+):(\d{2})(?::(\d{2}))?$")


@dataclass(frozen=True)
class Parsed:
    vendor: Vendor
    rows: list[AttendanceRow]
    without_email: int  # people the tool knew no address of (guests not signed in)


def import_attendance(
    session: Session,
    webinar_id: int,
    data: bytes,
    filename: str,
    *,
    zone: str,
    now: datetime,
    events_path: Path | None = None,
) -> AttendanceOutcome:
    """Read the export and record who came, all or nothing."""
    parsed = read_attendance(data, filename, zone)
    outcome = record_attendance(
        session, webinar_id, parsed.rows, parsed.vendor, now=now, events_path=events_path
    )
    return outcome.model_copy(update={"without_email": parsed.without_email})


def read_attendance(data: bytes, filename: str, zone: str) -> Parsed:
    table = _table(data, filename)
    folded = [h.strip().casefold() for h in table.headers]
    layout = next((x for x in LAYOUTS if all(m in folded for m in x.marks)), None)
    if layout is None:
        raise InvalidInput(
            _("{name} is no Zoom, Teams or Google Meet attendance export", name=filename),
            [FieldError(("file",), _("No email and join time columns found"), filename)],
        )
    people: dict[str, AttendanceRow] = {}
    without = 0
    for row in table.rows:
        cells = {k.strip().casefold(): v for k, v in row.values.items()}
        if layout.vendor == "zoom" and str(cells.get("attended", "yes")).casefold() == "no":
            continue  # registered in Zoom, did not come
        email = _text(_first(cells, layout.email))
        if "@" not in email:
            without += 1
            continue
        person = AttendanceRow(
            email=email.lower(),
            name=_name(cells, layout),
            joined_at=_moment(_first(cells, layout.joined), zone),
            minutes=_minutes(_first(cells, layout.minutes)),
        )
        people[person.email] = _added(people.get(person.email), person)
    return Parsed(layout.vendor, list(people.values()), without)


def _table(data: bytes, filename: str) -> Table:
    if PurePath(filename).suffix.lower() in EXCEL_SUFFIXES:
        return read_table(data, filename)
    text = data.decode(detect_encoding(data)).lstrip("\ufeff")
    lines = text.splitlines()
    headers = [i for i, line in enumerate(lines) if _is_header(line)]
    # Zoom lists its hosts and panelists before the attendees, under headers alike.
    start = next((i for i in headers if i and _ATTENDEES.search(lines[i - 1])), None)
    start = headers[0] if start is None and headers else start
    if start is None:
        return read_table(data, filename)  # not sectioned: the reader's errors say why
    section = []
    for line in lines[start:]:
        if not line.strip(" \t,") or re.match(r"^\d+\.\s+\S", line):
            break  # a blank line or Teams' next numbered section ends it
        section.append(line)
    return read_table("\n".join(section).encode(), f"{PurePath(filename).stem}.csv")


def _is_header(line: str) -> bool:
    folded = line.casefold()
    return "email" in folded and any(
        all(mark in folded for mark in layout.marks) for layout in LAYOUTS
    )


def _first(cells: dict[str, Cell], names: tuple[str, ...]) -> Cell:
    return next((cells[n] for n in names if cells.get(n) not in (None, "")), None)


def _text(value: Cell) -> str:
    return "" if value is None else str(value).strip()


def _name(cells: dict[str, Cell], layout: Layout) -> str:
    name = _text(_first(cells, layout.name))
    if layout.vendor == "meet":
        name = f"{name} {_text(cells.get('last name'))}".strip()
    return name[:200]


def _moment(value: Cell, zone: str) -> datetime | None:
    parsed: datetime | None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = _text(value).replace("\u202f", " ")
        parsed = next((p for f in _WHEN if (p := _strptime(text, f)) is not None), None)
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(zone))
    return parsed.astimezone(UTC)


def _strptime(text: str, pattern: str) -> datetime | None:
    try:
        return datetime.strptime(text, pattern)  # noqa: DTZ007 - the zone is added after
    except ValueError:
        return None


def _minutes(value: Cell) -> int:
    """Whole minutes of a number of minutes or a written duration; 0 when unreadable."""
    if isinstance(value, int | float):
        return max(int(value), 0)
    text = _text(value).casefold()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return int(float(text))
    if clock := _CLOCK.match(text):
        hours, minutes, seconds = (int(g or 0) for g in clock.groups())
        return hours * 60 + minutes + seconds // 60
    seconds = 0
    for number, unit in _PART.findall(text):
        scale = 3600 if unit[0] in "h時" else 60 if unit[0] in "m分" else 1
        seconds += int(number) * scale
    return seconds // 60


def _added(before: AttendanceRow | None, now: AttendanceRow) -> AttendanceRow:
    """One person's sessions as one: the first join, the minutes added up."""
    if before is None:
        return now
    joins = [j for j in (before.joined_at, now.joined_at) if j is not None]
    return before.model_copy(
        update={
            "joined_at": min(joins) if joins else None,
            "minutes": before.minutes + now.minutes,
            "name": before.name or now.name,
        }
    )
