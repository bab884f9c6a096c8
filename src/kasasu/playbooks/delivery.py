"""Sending what playbooks planned: email (kasasu.kit.mail), and JSON webhooks signed with
HMAC-SHA256 and retried with exponential backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from kasasu.kit.mail import DeliveryError, MailConfig, send_email

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Delivery:
    mail: MailConfig
    webhook_secret: str
    webhook_timeout: float = 10.0
    retries: int = 3
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    # One client for a whole run: a new one per request loads the CA bundle each time
    # (~30 ms a webhook).
    client: httpx.Client | None = None


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
            post = delivery.client.post if delivery.client else httpx.post
            response = post(
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


__all__ = ["Delivery", "DeliveryError", "MailConfig", "post_webhook", "send_email", "sign"]
