"""Webhooks other systems send to Kasasu, at ``/webhooks``: ``POST /webhooks/stripe``.

A Stripe delivery is checked with the endpoint's signing secret by the ``stripe`` library's
own verification (the Stripe-Signature header's HMAC, and its timestamp within the
tolerance, so a replayed delivery is refused). A refusal is a problem+json 400 and is
logged; a delivery that passes is stored once by its event id and applied. Stripe counts
any 2xx as delivered: an event type Kasasu does not use is answered 200 "ignored".
"""

# No "from __future__ import annotations": FastAPI must see the runtime types.

import json
import logging
from typing import Any

import stripe
from fastapi import FastAPI, Request

from kasasu.api.context import ApiContext, context, in_transaction
from kasasu.api.problems import machine_app, problem, request_locale
from kasasu.connectors.schemas import Delivery
from kasasu.connectors.stripe import receive_event
from kasasu.kit.i18n import translate

MOUNT = "/webhooks"
log = logging.getLogger("kasasu.webhooks")


def create_webhooks(ctx: ApiContext) -> FastAPI:
    app = machine_app("Kasasu webhooks", ctx)
    app.add_api_route("/stripe", stripe_webhook, methods=["POST"], response_model=Delivery)
    return app


async def stripe_webhook(request: Request) -> Any:
    ctx = context(request)
    locale = request_locale(request)
    if ctx.stripe is None:
        log.warning("stripe webhook refused: KASASU_CONNECTORS__STRIPE_WEBHOOK_SECRET is unset")
        return problem(
            request,
            503,
            translate(
                "The Stripe webhook is not configured (KASASU_CONNECTORS__STRIPE_WEBHOOK_SECRET)",
                locale,
            ),
        )
    body = await request.body()
    header = request.headers.get("stripe-signature")
    try:
        stripe.WebhookSignature.verify_header(body, header, ctx.stripe.secret, ctx.stripe.tolerance)
    except (stripe.SignatureVerificationError, UnicodeDecodeError) as exc:
        log.warning("stripe webhook refused from %s: %s", _client(request), exc)
        return problem(request, 400, translate("The Stripe signature does not verify", locale))
    try:
        event = json.loads(body)
    except ValueError:
        return problem(request, 400, translate("The request body is not valid JSON", locale))
    if not isinstance(event, dict):
        return problem(request, 400, translate("Send a JSON object", locale))
    zone = ctx.reporting.zone
    return in_transaction(request, lambda s: receive_event(s, event, zone), write=True)


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"
