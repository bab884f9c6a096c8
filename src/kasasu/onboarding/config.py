"""What the customer's onboarding reminders need from the edges (settings), as plain values."""

from __future__ import annotations

from dataclasses import dataclass

from kasasu.kit.mail import MailConfig


@dataclass(frozen=True)
class ReminderConfig:
    secret: str  # signs the reply links ("I will attend" / "I cannot attend")
    base_url: str  # where links in emails point: {base_url}/m/{link}
    locale: str  # the customer's language when their plan names none
    zone: str  # the days steps fall due are counted in; meeting times are shown in it
    mail: MailConfig
    meeting_reminder_hours: int = 24  # the reminder goes this long before a meeting
    step_due_days: int = 2  # a customer-side step due within this many days is reminded
