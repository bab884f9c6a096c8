"""A meeting as an iCalendar invitation (RFC 5545, iTIP RFC 5546): METHOD:REQUEST for a new
or changed meeting, METHOD:CANCEL when it is called off; the UID stays the meeting's and
SEQUENCE is its revision, so a calendar replaces the event it holds instead of adding one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from icalendar import Calendar, Event, vCalAddress

from kasasu.domain.choices import Rsvp
from kasasu.onboarding.meeting_schemas import MeetingRead

PARTSTAT = {Rsvp.PENDING: "NEEDS-ACTION", Rsvp.ACCEPTED: "ACCEPTED", Rsvp.DECLINED: "DECLINED"}


def meeting_ics(
    meeting: MeetingRead,
    *,
    method: Literal["REQUEST", "CANCEL"],
    organizer: str,
    description: str,
    now: datetime,
) -> str:
    """The invitation's text; times in UTC (DTSTART:…Z), each invitee with an email an
    ATTENDEE with their reply so far (replies go through the email's links, not the
    calendar: RSVP=FALSE)."""
    calendar = Calendar()
    calendar.add("prodid", "-//Kasasu//Onboarding meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.starts_at + timedelta(minutes=meeting.duration_minutes))
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
        if meeting.place.startswith(("https://", "http://")):
            event.add("url", meeting.place)
    event.add("description", description)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("organizer", vCalAddress(f"mailto:{organizer}"))
    for invitee in meeting.invitees:
        if invitee.email:
            attendee = vCalAddress(f"mailto:{invitee.email}")
            attendee.params["cn"] = invitee.name
            attendee.params["role"] = "REQ-PARTICIPANT"
            attendee.params["partstat"] = PARTSTAT[invitee.rsvp]
            attendee.params["rsvp"] = "FALSE"
            event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return str(calendar.to_ical().decode())
