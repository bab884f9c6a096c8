"""Dates and instants as Japanese and international spreadsheets write them.

Dates without a time are calendar days. Instants without an offset are read in the
reporting zone and returned as aware UTC, which is how Kasasu stores time.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from kasasu.errors import InvalidInput
from kasasu.kit.i18n import _

_ERAS = {"令和": 2018, "平成": 1988, "R": 2018, "H": 1988}
_DATE = re.compile(
    r"^(?:(?P<era>令和|平成|R|H)(?P<eyear>\d{1,2}|元)|(?P<year>\d{4}))"
    r"\s*[-/.年]\s*(?P<month>\d{1,2})\s*[-/.月]\s*(?P<day>\d{1,2})\s*日?"
)
_TIME = re.compile(
    r"^[T\s]*(?P<h>\d{1,2})[:時](?P<m>\d{1,2})(?:[:分](?P<s>\d{1,2})(?:\.(?P<f>\d{1,6}))?)?秒?"
    r"\s*(?P<tz>Z|UTC|[+-]\d{2}:?\d{2})?$"  # "UTC": Ruby's Time#to_s (Chatwoot's exports)
)
_EXCEL_EPOCH = date(1899, 12, 30)


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _split_date(text: str) -> tuple[date, str]:
    raw = _normalize(text)
    match = _DATE.match(raw)
    if match is None:
        raise InvalidInput(_("Not a date: {value} (write it like 2026/11/22)", value=text))
    if match.group("era"):
        eyear = match.group("eyear")
        year = _ERAS[match.group("era")] + (1 if eyear == "元" else int(eyear))
    else:
        year = int(match.group("year"))
    try:
        day = date(year, int(match.group("month")), int(match.group("day")))
    except ValueError as exc:
        raise InvalidInput(_("No such day: {value}", value=text)) from exc
    return day, raw[match.end() :]


def parse_date(text: str) -> date:
    """Parse 2026/11/22, 2026-11-22, 2026年11月22日, 令和8年11月22日 (a time part is refused)."""
    day, rest = _split_date(text)
    if rest.strip() and not re.fullmatch(r"[T\s]*0{1,2}:00(:00)?", rest.strip()):
        raise InvalidInput(_("Expected a date without a time: {value}", value=text))
    return day


def parse_instant(text: str, zone: str) -> datetime:
    """Parse a date with an optional time; no offset means ``zone``. Returns aware UTC."""
    day, rest = _split_date(text)
    rest = rest.strip()
    if not rest:
        return local_midnight(day, zone)
    match = _TIME.match(rest)
    if match is None:
        raise InvalidInput(_("Not a time: {value} (write it like 2026/11/22 10:30)", value=text))
    fraction = (match.group("f") or "0").ljust(6, "0")
    try:
        clock = time(
            int(match.group("h")), int(match.group("m")), int(match.group("s") or 0), int(fraction)
        )
    except ValueError as exc:
        raise InvalidInput(_("No such time: {value}", value=text)) from exc
    tz = match.group("tz")
    if tz:
        if tz == "UTC":
            tz = "Z"
        offset = datetime.strptime(tz.replace("Z", "+0000").replace(":", ""), "%z").tzinfo
        return datetime.combine(day, clock, offset).astimezone(UTC)
    return datetime.combine(day, clock, ZoneInfo(zone)).astimezone(UTC)


def today_in(zone: str) -> date:
    """Today's date in ``zone`` (in Tokyo the day starts nine hours before UTC's)."""
    return datetime.now(ZoneInfo(zone)).date()


def local_midnight(day: date, zone: str) -> datetime:
    """00:00 of ``day`` in ``zone``, as aware UTC."""
    return datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(UTC)


def as_utc(value: datetime, zone: str) -> datetime:
    """A naive value is wall time in ``zone``; an aware one is converted. Returns UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    return value.astimezone(UTC)


def from_excel_serial(serial: float) -> date:
    """Excel stores days since 1899-12-30 (its 1900 leap-year bug included)."""
    return _EXCEL_EPOCH + timedelta(days=int(serial))


_SPAN = re.compile(r"^(?P<n>\d{1,5})\s*(?P<unit>[hdw])$")
_SPAN_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_span(text: str) -> timedelta:
    """``90d``, ``12h``, ``2w`` → a timedelta of that many hours, days or weeks (at least 1)."""
    found = _SPAN.match(_normalize(text).lower())
    if found is None or int(found["n"]) == 0:
        raise InvalidInput(
            _("Give a span as a number and h, d or w (90d, 12h, 2w), not {text}", text=text)
        )
    return int(found["n"]) * _SPAN_UNITS[found["unit"]]
