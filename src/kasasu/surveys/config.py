"""What survey campaigns need from the edges (settings), handed over as plain values."""

from __future__ import annotations

from dataclasses import dataclass

from kasasu.kit.mail import MailConfig

MAX_COMMENT = 2_000  # characters of a follow-up answer


@dataclass(frozen=True)
class SurveyConfig:
    secret: str  # signs the personal links
    base_url: str  # where links in emails point: {base_url}/s/{token}
    locale: str  # the language of a contact whose account names none
    zone: str  # the reporting zone
    mail: MailConfig
    throttle_days: int = 90  # no contact is surveyed twice within this many days
    expires_days: int = 30  # a personal link answers for this many days
    remind_after_days: int = 7  # reminders go to those who have not answered after this
    widget_origins: tuple[str, ...] = ()  # sites whose pages may post widget answers
    widget_secret: str = ""  # derives each campaign's widget signing key; empty: ``secret``

    @property
    def widget_signing_secret(self) -> str:
        return self.widget_secret or self.secret
