"""The words of the customer's onboarding emails in Japanese and English: a meeting's
invitation, its update, its reminder and its cancellation; and the steps due or overdue."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date

from kasasu.kit.choices import label
from kasasu.kit.i18n import translate
from kasasu.onboarding.meeting_schemas import MeetingRead

MeetingMail = Literal["invitation", "update", "reminder", "cancellation"]


def when_text(moment: datetime, zone: str, locale: str) -> str:
    """``2026年12月10日木曜日 14:00 (JST)``: the day in full, the time and the zone."""
    local = moment.astimezone(ZoneInfo(zone))
    day = format_date(local.date(), format="full", locale=locale)
    return f"{day} {local:%H:%M} ({local.tzname()})"


def meeting_email(
    *,
    mail: MeetingMail,
    name: str,
    meeting: MeetingRead,
    when: str,
    links: tuple[str, str] | None,
    locale: str,
) -> tuple[str, str]:
    """(subject, body) of one email about a meeting to one invitee."""
    title = meeting.title
    if mail == "invitation":
        subject = translate("Invitation: {title} on {when}", locale, title=title, when=when)
        opening = translate("You are invited to the following meeting.", locale)
    elif mail == "update":
        subject = translate("Updated: {title} on {when}", locale, title=title, when=when)
        opening = translate(
            "The following meeting has changed; the attached invitation replaces the earlier one.",
            locale,
        )
    elif mail == "reminder":
        subject = translate("Reminder: {title} on {when}", locale, title=title, when=when)
        opening = translate("A reminder of the following meeting.", locale)
    else:
        subject = translate("Cancelled: {title} on {when}", locale, title=title, when=when)
        opening = translate("The following meeting is cancelled.", locale)
    details = translate(
        "{kind}: {title}\nWhen: {when} ({minutes} minutes)\nWhere: {place}",
        locale,
        kind=label(meeting.kind).render(locale),
        title=title,
        when=when,
        minutes=meeting.duration_minutes,
        place=meeting.place or "—",
    )
    parts = [translate("Dear {name},", locale, name=name), opening, details]
    if links is not None:
        parts.append(
            translate(
                "Please let us know:\nI will attend: {yes}\nI cannot attend: {no}",
                locale,
                yes=links[0],
                no=links[1],
            )
        )
    if mail != "cancellation":
        parts.append(translate("The calendar invitation (.ics) is attached.", locale))
    return subject, "\n\n".join(parts) + "\n"


def steps_email(
    *, name: str, steps: list[tuple[str, date | None, bool]], locale: str
) -> tuple[str, str]:
    """(subject, body) of the steps due soon or overdue: (title, due day, overdue) each."""
    overdue = any(late for _t, _d, late in steps)
    if overdue:
        subject = translate("Onboarding: steps past their due date", locale)
    else:
        subject = translate("Onboarding: steps due soon", locale)
    lines = []
    for title, due, late in steps:
        day = format_date(due, format="long", locale=locale) if due else "—"
        if late:
            lines.append(translate("- {title} (was due {day})", locale, title=title, day=day))
        else:
            lines.append(translate("- {title} (due {day})", locale, title=title, day=day))
    parts = [
        translate("Dear {name},", locale, name=name),
        translate("These steps of your onboarding are yours to do:", locale),
        "\n".join(lines),
        translate("Reply to this email if anything stands in the way.", locale),
    ]
    return subject, "\n\n".join(parts) + "\n"
