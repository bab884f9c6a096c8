"""Sending what playbooks planned: email (kasasu.kit.mail), JSON webhooks signed with
HMAC-SHA256, and chat messages (Slack, Teams, Chatwork: kasasu.playbooks.chat), each POST
retried with exponential backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from kasasu.kit.mail import DeliveryError, MailConfig, send_email
from kasasu.kit.net import ResolvedTarget, UnsafeTarget, resolve_target
from kasasu.playbooks.chat import ChatConfig

RETRY_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Delivery:
    mail: MailConfig
    # None: the setting is empty, the public default or too short (outside dev mode), and
    # webhooks are not sent rather than signed with a value anyone can know.
    webhook_secret: str | None
    webhook_timeout: float = 10.0
    # Hosts, addresses and networks a webhook may reach although they are internal.
    webhook_hosts: frozenset[str] = frozenset()
    retries: int = 3
    backoff: float = 1.0
    sleep: Callable[[float], None] = time.sleep
    # One client for a whole run: a new one per request loads the CA bundle each time
    # (~30 ms a webhook).
    client: httpx.Client | None = None
    chat: ChatConfig = field(default_factory=ChatConfig)  # where Slack, Teams, Chatwork go


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` of HMAC-SHA256 over ``timestamp.body``: what X-Kasasu-Signature holds
    (the timestamp inside lets a receiver refuse old replays)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def post_webhook(payload: Mapping[str, Any], key: str, delivery: Delivery) -> dict[str, Any]:
    """POST the JSON body, signed (X-Kasasu-Timestamp, X-Kasasu-Signature), to the checked
    address of its URL, with retries (:func:`post_with_retries`). Returns the HTTP status and
    the number of tries."""
    secret = delivery.webhook_secret
    if secret is None:
        raise DeliveryError(
            "not sent: KASASU_PLAYBOOKS__WEBHOOK_SECRET is empty, the default or shorter "
            "than 32 characters",
            0,
        )
    body = json.dumps(payload["body"], ensure_ascii=False, separators=(",", ":")).encode()

    def signed() -> dict[str, str]:
        timestamp = str(int(time.time()))  # at each try: a retry is signed anew
        return {
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": key,
            "X-Kasasu-Timestamp": timestamp,
            "X-Kasasu-Signature": sign(secret, timestamp, body),
        }

    return post_with_retries(payload["url"], body, signed, delivery)


def post_chat(payload: Mapping[str, Any], key: str, delivery: Delivery) -> dict[str, Any]:
    """Put ``title`` and ``text`` in the payload's ``channel`` (slack, teams or chatwork; to
    its ``target`` when given, else the configured one), with retries."""
    try:
        request = delivery.chat.request(
            payload["channel"], payload.get("title") or "", payload["text"], payload.get("target")
        )
    except ValueError as exc:
        raise DeliveryError(f"not sent: {exc}", 0) from exc
    headers = {**request.headers, "Idempotency-Key": key}
    return post_with_retries(request.url, request.content, lambda: headers, delivery)


def post_with_retries(
    url: str, body: bytes, headers: Callable[[], dict[str, str]], delivery: Delivery
) -> dict[str, Any]:
    """POST ``body`` to the checked address of ``url`` (refused, and not retried, for an
    internal one that is not allowed); retry connection errors and 408/429/5xx after 1, 2,
    4 … × backoff seconds. Returns the HTTP status and the number of tries."""
    tries, last = 0, ""
    while True:
        tries += 1
        try:  # again at each try: the name may answer differently now (DNS rebinding)
            target = resolve_target(url, delivery.webhook_hosts)
        except UnsafeTarget as exc:
            raise DeliveryError(f"refused: {exc.reason.render('en')}", tries) from exc
        sent = {"Host": target.host_header, "User-Agent": "Kasasu", **headers()}
        try:
            response = _post(delivery, target, body, sent)
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


def _post(
    delivery: Delivery, target: ResolvedTarget, body: bytes, headers: dict[str, str]
) -> httpx.Response:
    """One POST to the checked address (the name goes in Host and, for https, in SNI and
    the certificate check); a redirect is an answer, never followed."""
    if delivery.client is None:
        with httpx.Client() as client:
            return _post(replace(delivery, client=client), target, body, headers)
    return delivery.client.post(
        target.url,
        content=body,
        headers=headers,
        timeout=delivery.webhook_timeout,
        follow_redirects=False,
        extensions={"sni_hostname": target.sni_hostname} if target.sni_hostname else {},
    )


__all__ = [
    "ChatConfig",
    "Delivery",
    "DeliveryError",
    "MailConfig",
    "post_chat",
    "post_webhook",
    "post_with_retries",
    "send_email",
    "sign",
]
