"""Stripe webhook deliveries through a served Kasasu, as ``make bench`` runs it.

A fresh data directory and ``kasasu serve`` with a webhook secret. 2 senders (threads, each
its own httpx client, one request in flight) post for 10 s signed
``customer.subscription.updated`` events (built with the ``stripe`` library's objects and
signed with its own helper), each for its own customer and subscription, so each delivery
makes an account, links it and writes a contract line; then, as the reference in the same
run and server, the same senders create one account each request through the REST API
(``POST /api/v1/accounts``). Prints deliveries per second, the ratio to the reference and
the requests' latency, and checks that every delivery was stored once.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import stripe

from serving import kasasu_output, latency, served

SECRET = "whsec_bench"
SECONDS, SENDERS = 10.0, 2


def _event(n: int) -> str:
    sub = {
        "id": f"sub_{n}", "object": "subscription", "customer": f"cus_{n}", "status": "active",
        "start_date": 1_767_225_600, "cancel_at_period_end": False,
        "items": {"object": "list", "data": [{
            "id": f"si_{n}", "quantity": 3, "current_period_end": 1_769_904_000,
            "price": {"id": "price_pro", "nickname": "Pro", "product": "prod_kasasu",
                      "unit_amount": 10_000, "currency": "jpy",
                      "recurring": {"interval": "month", "interval_count": 1}}}]},
    }  # fmt: skip
    event = {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "created": 1_767_225_600,
             "type": "customer.subscription.updated", "data": {"object": sub}}  # fmt: skip
    return str(stripe.Event.construct_from(event, "sk_bench"))


def _load(base: str, send: Callable[[httpx.Client, int], httpx.Response]) -> list[float]:
    took: list[float] = []
    failed: list[str] = []
    started = time.perf_counter()
    counter = iter(range(10**9))
    lock = threading.Lock()

    def sender() -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            while time.perf_counter() - started < SECONDS:
                with lock:
                    n = next(counter)
                began = time.perf_counter()
                answer = send(client, n)
                if answer.status_code not in (200, 201):
                    failed.append(answer.text)
                    return
                took.append(time.perf_counter() - began)

    threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failed, failed[:1]
    return took


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kasasu-bench-stripe-") as tmp:
        data = Path(tmp)
        env = {**os.environ, "KASASU_DATA_DIR": str(data), "KASASU_LOCALE": "en",
               "KASASU_REFRESH__SCHEDULED": "false", "KASASU_DEV_MODE": "true",
               "KASASU_CONNECTORS__STRIPE_WEBHOOK_SECRET": SECRET}  # fmt: skip
        kasasu_output(env, "init")
        made = kasasu_output(env, "apikey", "create", "--name", "bench", "--role", "admin")
        headers = {"Authorization": f"Bearer {made.split()[-1]}"}

        def deliver(client: httpx.Client, n: int) -> httpx.Response:
            body = _event(n)
            signature = stripe.WebhookSignature.generate_signature_header(body, SECRET)
            return client.post("/webhooks/stripe", content=body.encode(),
                               headers={"Stripe-Signature": signature})  # fmt: skip

        def account(client: httpx.Client, n: int) -> httpx.Response:
            return client.post("/api/v1/accounts", json={"name": f"Bench {n}"}, headers=headers)

        with served(env) as (base, _server):
            for n in range(5):  # warm the routes up
                deliver(httpx.Client(base_url=base), 10**8 + n)
            hooks = _load(base, deliver)
            reference = _load(base, account)
        with sqlite3.connect(data / "kasasu.db") as con:
            [(stored,)] = con.execute("SELECT count(*) FROM connector_events").fetchall()
    assert stored == len(hooks) + 5, f"{len(hooks) + 5} delivered, {stored} stored"
    per_s, ref_s = len(hooks) / SECONDS, len(reference) / SECONDS
    print(f"Stripe /webhooks/stripe: {per_s:,.0f} deliveries/s (each an account, a link and a "
          f"contract line); {latency(hooks)}")  # fmt: skip
    print(f"REST API POST /api/v1/accounts (reference): {ref_s:,.0f} requests/s; ratio "
          f"{per_s / ref_s:.2f}; {latency(reference)}")  # fmt: skip
    print(f"{SENDERS} senders for {SECONDS:.0f} s each; {stored:,} events stored, each once")


if __name__ == "__main__":
    main()
