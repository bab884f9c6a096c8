"""Stripe's webhook events applied to the data hub.

An event is stored once by its id (a delivery sent twice changes nothing), then the object
it is about is recomputed from every stored event about it, in Stripe's order: the
customer's account and billing contact, the subscription's contract lines
(``stripe_lines``), the invoice and its payment issue. So events may arrive in any order
and the result is the same. What cannot be applied (a tiered price) is said with the event
id in the day's sync run; the rest of the event is applied.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountCreate, AccountUpdate
from kasasu.accounts.service import (
    account_ids,
    account_refs,
    accounts,
    find_account_by_source,
    set_external_id,
)
from kasasu.connectors import stripe_objects as so
from kasasu.connectors.repository import ConnectorEventRepository
from kasasu.connectors.runs import record_delivery
from kasasu.connectors.schemas import Delivery, SyncError, error
from kasasu.connectors.stripe_lines import Snapshot, planned_lines
from kasasu.contacts.service import contacts
from kasasu.domain.choices import ContactRole, InvoiceStatus
from kasasu.errors import InvalidInput
from kasasu.kit.i18n import _
from kasasu.models import ConnectorEvent
from kasasu.subscriptions.service import replace_versions, save_invoice

CONNECTOR = "stripe"
SOURCE = "stripe"  # the accounts' external id source
CUSTOMER_EVENTS = ("customer.created", "customer.updated", "customer.deleted")
SUBSCRIPTION_EVENTS = (
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "customer.subscription.trial_will_end",
    "customer.subscription.paused",
    "customer.subscription.resumed",
    "customer.subscription.pending_update_applied",
)
INVOICE_EVENTS = (
    "invoice.created",
    "invoice.finalized",
    "invoice.updated",
    "invoice.paid",
    "invoice.payment_succeeded",
    "invoice.payment_failed",
    "invoice.voided",
    "invoice.marked_uncollectible",
)
FAILED = "invoice.payment_failed"
# Mail domains that say nothing of the company (a customer's email there matches no account).
FREE_MAIL = frozenset(
    ("gmail.com", "googlemail.com", "yahoo.co.jp", "yahoo.com", "outlook.com", "outlook.jp",
     "hotmail.com", "hotmail.co.jp", "icloud.com", "me.com", "docomo.ne.jp", "ezweb.ne.jp",
     "softbank.ne.jp", "i.softbank.jp", "nifty.com", "live.jp", "msn.com", "aol.com")
)  # fmt: skip


def receive_event(session: Session, event: dict[str, Any], zone: str) -> Delivery:
    """Store ``event`` (a Stripe event as JSON) once and apply what it changes."""
    event_id, kind, obj, at = _parts(event)
    apply = _APPLY.get(kind)
    if apply is None:
        return Delivery(event_id=event_id, outcome="ignored")
    _readable(kind, obj)
    repo = ConnectorEventRepository(session)
    if repo.known(CONNECTOR, event_id):
        return Delivery(event_id=event_id, outcome="duplicate")
    repo.add(
        ConnectorEvent(
            connector=CONNECTOR,
            event_id=event_id,
            type=kind,
            object_id=str(obj["id"]),
            occurred_at=at,
            payload=obj,
        )
    )
    errors = apply(session, str(obj["id"]), zone)
    record_delivery(session, CONNECTOR, errors, zone)
    return Delivery(event_id=event_id, outcome="applied", errors=errors)


def _parts(event: dict[str, Any]) -> tuple[str, str, dict[str, Any], datetime]:
    """The event's id, type, object and time; a clear 400 when one is missing."""
    try:
        obj = event["data"]["object"]
        at = so.instant(event["created"])
        if not isinstance(obj, dict) or "id" not in obj or at is None:
            raise TypeError
        return str(event["id"]), str(event["type"]), obj, at
    except (KeyError, TypeError, ValueError):
        raise InvalidInput(
            _("Not a Stripe event: it needs id, type, created and data.object with its id")
        ) from None


def _readable(kind: str, obj: dict[str, Any]) -> None:
    """Refuse, before it is stored, an object Kasasu cannot read: stored, it would stop
    every later recompute of that object."""
    parse: Callable[[dict[str, Any]], object] = so.invoice
    if kind in CUSTOMER_EVENTS:
        parse = so.customer
    elif kind in SUBSCRIPTION_EVENTS:
        parse = so.subscription
    try:
        parse(obj)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidInput(
            _("Not a Stripe {type} Kasasu can read: {reason}", type=kind, reason=repr(exc))
        ) from None


def _snapshots(session: Session, object_id: str) -> list[ConnectorEvent]:
    return ConnectorEventRepository(session).of_object(CONNECTOR, object_id)


def _apply_customer(session: Session, customer_id: str, _zone: str) -> list[SyncError]:
    events = _snapshots(session, customer_id)
    latest = so.customer(events[-1].payload)
    account_id = _account_for(session, customer_id)
    account = accounts.get(session, account_id)
    if account.external_id == customer_id and latest.name and account.name != latest.name:
        accounts.update(session, account_id, AccountUpdate(name=latest.name))  # made by us
    if latest.email:
        name = latest.name or latest.email
        row = {"external_id": f"stripe:{customer_id}", "account_id": account_id}
        contacts.upsert_many(
            session, [{**row, "name": name, "email": latest.email, "role": ContactRole.BILLING}]
        )
    return []


def _account_for(session: Session, customer_id: str) -> int:
    """The account of a Stripe customer: linked already; else the one its metadata names
    (``kasasu_account``: the account's external id), or whose domain is the customer's
    email domain (not a free mail one), or whose name is the customer's (case-folded);
    else one made from the customer. The link is kept, so it is looked for once."""
    found = find_account_by_source(session, SOURCE, customer_id)
    if found is not None:
        return found.id
    events = _snapshots(session, customer_id)
    known = so.customer(events[-1].payload) if events else None
    ref = _matching_account(session, known) if known else None
    ids = account_ids(session, [ref]) if ref else {}
    if ref in ids:
        account_id = ids[ref]
    else:
        name = (known.name or known.email) if known else None
        made = AccountCreate(external_id=customer_id, name=name or customer_id)
        account_id = accounts.create(session, made).id
    set_external_id(session, account_id, SOURCE, customer_id)
    return account_id


def _matching_account(session: Session, known: so.StripeCustomer) -> str | None:
    if known.account_ref:
        return known.account_ref
    domain = known.email.rsplit("@", 1)[-1].casefold() if known.email else ""
    if domain and domain not in FREE_MAIL:
        by_domain = account_refs(session, SOURCE, [domain], "domain")
        if domain in by_domain:
            return by_domain[domain]
    if known.name:
        return account_refs(session, SOURCE, [known.name], "name").get(known.name.casefold())
    return None


def _apply_subscription(session: Session, subscription_id: str, zone: str) -> list[SyncError]:
    events = _snapshots(session, subscription_id)
    snaps = [Snapshot(e.occurred_at, e.event_id, so.subscription(e.payload)) for e in events]
    rows, problems = planned_lines(snaps, zone)
    account_id = _account_for(session, snaps[-1].subscription.customer)
    items = {i.id for s in snaps for i in s.subscription.items}
    try:
        replace_versions(session, items, [{**r, "account_id": account_id} for r in rows])
    except (ValidationError, InvalidInput) as exc:
        return [error(subscription_id, _("Not applied: {reason}", reason=str(exc)[:200]))]
    return [
        error(p.event_id, _("Item {item} left out: {reason}", item=p.item_id, reason=p.reason))
        for p in problems
    ]


def _apply_invoice(session: Session, invoice_id: str, _zone: str) -> list[SyncError]:
    events = _snapshots(session, invoice_id)
    latest = so.invoice(events[-1].payload)
    shown = [so.invoice(e.payload) for e in events]
    paid = next((i for i in shown if i.status == "paid"), None)  # paying is final
    failed = [e.occurred_at for e in events if e.type == FAILED]
    status = InvoiceStatus.PAID if paid else _STATUS.get(latest.status, InvoiceStatus.OPEN)
    values = {
        "account_id": _account_for(session, latest.customer),
        "subscription_ref": latest.subscription,
        "status": status,
        "currency": latest.currency,
        "amount_due": latest.amount_due,
        "amount_paid": (paid or latest).amount_paid,
        "issued_at": min(i.created for i in shown),
        "failed_at": min(failed, default=None),
        "paid_at": (paid.paid_at or _paid_event(events)) if paid else None,
    }
    save_invoice(session, invoice_id, values)
    return []


def _paid_event(events: list[ConnectorEvent]) -> datetime | None:
    return next((e.occurred_at for e in events if e.type == "invoice.paid"), None)


_STATUS = {
    "draft": InvoiceStatus.OPEN,
    "open": InvoiceStatus.OPEN,
    "void": InvoiceStatus.VOID,
    "uncollectible": InvoiceStatus.UNCOLLECTIBLE,
}
_APPLY: dict[str, Callable[[Session, str, str], list[SyncError]]] = {
    **dict.fromkeys(CUSTOMER_EVENTS, _apply_customer),
    **dict.fromkeys(SUBSCRIPTION_EVENTS, _apply_subscription),
    **dict.fromkeys(INVOICE_EVENTS, _apply_invoice),
}
