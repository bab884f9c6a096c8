"""Email out of Kasasu (playbooks, survey invitations): through SMTP, or into .eml files
for a first install that must not write to real customers."""

from __future__ import annotations

import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any, Literal


class DeliveryError(Exception):
    """A send that failed; ``tries`` says how many were made."""

    def __init__(self, message: str, tries: int = 1) -> None:
        super().__init__(message)
        self.tries = tries


@dataclass(frozen=True)
class MailConfig:
    backend: Literal["smtp", "file"]
    host: str
    port: int
    sender: str
    outbox: Path  # where the file backend writes .eml files
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: float = 10.0


def send_email(payload: Mapping[str, Any], key: str, config: MailConfig) -> dict[str, Any]:
    """Send one plain-text message (``to``, ``subject``, ``body``, ``locale``; optionally
    ``calendar``: ``{text, method}``, an iCalendar invitation); its Message-ID derives from
    ``key``, so a receiver can drop the copy should a crash between sending and recording
    make Kasasu resend."""
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = ", ".join(payload["to"])
    message["Subject"] = payload["subject"]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{key}@kasasu>"
    message.set_content(payload["body"])
    if (calendar := payload.get("calendar")) is not None:
        _add_calendar(message, calendar["text"], calendar["method"])
    message["Content-Language"] = payload["locale"]  # after: set_content drops Content-*
    if config.backend == "file":
        config.outbox.mkdir(parents=True, exist_ok=True)
        path = config.outbox / f"{key}.eml"
        path.write_bytes(message.as_bytes())
        return {"message_id": message["Message-ID"], "file": str(path)}
    try:
        with smtplib.SMTP(config.host, config.port, timeout=config.timeout) as smtp:
            if config.starttls:
                smtp.starttls()
            if config.username:
                smtp.login(config.username, config.password or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"SMTP {config.host}:{config.port}: {exc}") from exc
    return {"message_id": message["Message-ID"]}


def _add_calendar(message: EmailMessage, text: str, method: str) -> None:
    """The invitation twice, as mail clients look for it: a ``text/calendar`` alternative
    with its METHOD (Outlook, Gmail show accept/decline from it) and an ``invite.ics``
    attachment (the others open it)."""
    message.add_alternative(text, subtype="calendar", params={"method": method})
    message.add_attachment(
        text.encode(), maintype="application", subtype="ics", filename="invite.ics"
    )
