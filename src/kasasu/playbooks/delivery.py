"""Sending what playbooks planned: email through SMTP (or into files, for a first install
that must not write to real customers), and JSON webhooks signed with HMAC-SHA256 and
retried with exponential backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from typing import Any, Literal

import httpx

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


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


@dataclass(frozen=True)
class Delivery:
    mail: MailConfig
    webhook_secret: str
    webhook_timeout: float = 10.0
    retries: int = 3
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep


class DeliveryError(Exception):
    """A send that failed; ``tries`` says how many were made."""

    def __init__(self, message: str, tries: int = 1) -> None:
        super().__init__(message)
        self.tries = tries


def send_email(payload: Mapping[str, Any], key: str, config: MailConfig) -> dict[str, Any]:
    """Send one message; its Message-ID derives from ``key`` (the action), so a receiver
    can drop the copy should a crash between sending and recording make Kasasu resend."""
    message = EmailMessage()
    message["From"] = config.sender
    message["To"] = ", ".join(payload["to"])
    message["Subject"] = payload["subject"]
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = f"<{key}@kasasu>"
    message.set_content(payload["body"])
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


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``timestamp.body``: what X-Kasasu-Signature holds
    (the timestamp inside lets a receiver refuse old replays)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def post_webhook(payload: Mapping[str, Any], key: str, delivery: Delivery) -> dict[str, Any]:
    """POST the JSON body; retry connection errors and 408/429/5xx after 1, 2, 4 … × backoff
    seconds. Returns the HTTP status and the number of tries."""
    body = json.dumps(payload["body"], ensure_ascii=False, separators=(",", ":")).encode()
    tries, last = 0, ""
    while True:
        tries += 1
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Kasasu",
            "Idempotency-Key": key,
            "X-Kasasu-Timestamp": timestamp,
            "X-Kasasu-Signature": sign(delivery.webhook_secret, timestamp, body),
        }
        try:
            response = httpx.post(
                payload["url"], content=body, headers=headers, timeout=delivery.webhook_timeout
            )
        except httpx.HTTPError as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if response.is_success:
                return {"status": response.status_code, "tries": tries}
            last = f"HTTP {response.status_code}"
            if response.status_code not in RETRY_STATUS:
                raise DeliveryError(last, tries)
        if tries > delivery.retries:
            raise DeliveryError(last, tries)
        delivery.sleep(delivery.backoff * 2 ** (tries - 1))
