"""``kasasu sync stripe --from-export DIR``: a backfill from the Stripe Dashboard's CSV
exports (customers.csv, subscriptions.csv, invoices.csv), before the webhook is set up.

Each row becomes the object Stripe's API would send and goes through the webhook's own
path (``stripe.receive_event``), as one snapshot dated when the backfill runs: the same
row exported twice is stored once, and a later export with a change (or later webhook
events) adds to the history instead of rewriting it. An export knows only how a
subscription stands, so each line starts at the subscription's start with its present
price; upgrades before the export are not recovered (the webhook keeps them from then on).
A failed invoice (open, with a collection attempt) counts as failed at its date.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kasasu.connectors.schemas import SyncError, error
from kasasu.connectors.stripe import receive_event
from kasasu.domain.dates import parse_instant
from kasasu.domain.money import minor_digits
from kasasu.errors import InvalidInput
from kasasu.imports.readers import Cell, read_table
from kasasu.imports.schemas import Progress
from kasasu.kit.i18n import _

FILES = ("customers.csv", "subscriptions.csv", "invoices.csv")  # in the order applied
Row = dict[str, Cell]


def backfill(
    session: Session,
    directory: Path,
    zone: str,
    currency: str,
    progress: Progress | None = None,
) -> tuple[int, list[SyncError]]:
    """Apply the exports found in ``directory``: (rows applied, errors with their row)."""
    found = [directory / name for name in FILES if (directory / name).exists()]
    if not found:
        raise InvalidInput(
            _("No Stripe export in {dir}: expected {files}", dir=str(directory),
              files=", ".join(FILES))
        )  # fmt: skip
    now = int(datetime.now(UTC).timestamp())
    applied, errors = 0, []
    for path in found:
        table = read_table(path.read_bytes(), path.name)
        build = _BUILDERS[path.name]
        for done, raw in enumerate(table.rows, start=1):
            ref = f"{path.name} row {raw.number}"
            try:
                kind, obj, created = build(raw.values, zone, currency)
            except (KeyError, ValueError, InvalidOperation, InvalidInput) as exc:
                errors.append(error(ref, _("Not read: {reason}", reason=_reason(exc))))
                continue
            event = {"id": _event_id(obj), "type": kind, "created": created or now,
                     "data": {"object": obj}}  # fmt: skip
            delivered = receive_event(session, event, zone)
            applied += delivered.outcome == "applied"
            errors += [e.model_copy(update={"ref": f"{ref} ({e.ref})"}) for e in delivered.errors]
            if progress is not None:
                progress(_("Applying {file}", file=path.name), done, len(table.rows))
    return applied, errors


def _reason(exc: Exception) -> str:
    if isinstance(exc, InvalidInput):
        return str(exc.message)
    if isinstance(exc, KeyError):
        return f"column {exc.args[0]} is missing"
    return str(exc)


def _event_id(obj: dict[str, Any]) -> str:
    """The same row exported again is the same event; a changed row is a new one."""
    digest = hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode()).hexdigest()
    return f"export:{obj['id']}:{digest[:16]}"


def _text(row: Row, column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value).strip()


def _at(row: Row, column: str, zone: str) -> int | None:
    """A "(UTC)" column of Stripe's export as a Unix timestamp."""
    text = _text(row, column)
    if not text:
        return None
    return int(parse_instant(text, "UTC" if "(UTC)" in column else zone).timestamp())


def _minor(row: Row, column: str, currency: str) -> int:
    """Stripe's exports write amounts in major units (12.50 USD, 1000 JPY)."""
    amount = Decimal(_text(row, column).replace(",", "") or "0")
    return int((amount * 10 ** minor_digits(currency)).to_integral_value())


def _customer(row: Row, _zone: str, _currency: str) -> tuple[str, dict[str, Any], int | None]:
    metadata = {"kasasu_account": _text(row, "kasasu_account (metadata)")}
    obj = {"id": _text(row, "id"), "object": "customer", "name": _text(row, "Name") or None,
           "email": _text(row, "Email") or None,
           "metadata": {k: v for k, v in metadata.items() if v}}  # fmt: skip
    return "customer.updated", obj, None


def _subscription(row: Row, zone: str, currency: str) -> tuple[str, dict[str, Any], int | None]:
    code = (_text(row, "Currency") or currency).upper()
    quantity = int(_text(row, "Quantity") or 1)
    interval = _text(row, "Interval").lower() or "month"
    status = _text(row, "Status").lower()
    price = {"id": _text(row, "Plan"), "nickname": _text(row, "Plan") or None,
             "product": _text(row, "Product") or _text(row, "Plan"),
             "unit_amount": _minor(row, "Amount", code), "currency": code.lower(),
             "recurring": {"interval": interval, "interval_count": 1}}  # fmt: skip
    item = {"id": f"si_{_text(row, 'id')}", "quantity": quantity, "price": price,
            "current_period_end": _at(row, "Current Period End (UTC)", zone)}  # fmt: skip
    obj = {
        "id": _text(row, "id"),
        "object": "subscription",
        "customer": _text(row, "Customer ID"),
        "status": "canceled" if status in ("canceled", "cancelled") else status,
        "start_date": _at(row, "Start (UTC)", zone) or _at(row, "Created (UTC)", zone),
        "trial_end": _at(row, "Trial End (UTC)", zone),
        "cancel_at_period_end": _text(row, "Cancel At Period End").lower() == "true",
        "canceled_at": _at(row, "Canceled At (UTC)", zone),
        "ended_at": _at(row, "Ended At (UTC)", zone),
        "items": {"data": [item]},
    }
    return "customer.subscription.updated", obj, None


def _invoice(row: Row, zone: str, currency: str) -> tuple[str, dict[str, Any], int | None]:
    code = (_text(row, "Currency") or currency).upper()
    status = _text(row, "Status").lower()
    created = _at(row, "Date (UTC)", zone)
    obj = {
        "id": _text(row, "id"),
        "object": "invoice",
        "customer": _text(row, "Customer"),
        "subscription": _text(row, "Subscription") or None,
        "status": status,
        "currency": code.lower(),
        "amount_due": _minor(row, "Amount Due", code),
        "amount_paid": _minor(row, "Amount Paid", code),
        "created": created,
        "status_transitions": {"paid_at": _at(row, "Paid At (UTC)", zone)},
    }
    attempts = int(_text(row, "Attempt Count") or 0)
    failed = status == "open" and attempts > 0
    return ("invoice.payment_failed" if failed else "invoice.updated"), obj, created


_BUILDERS = {
    "customers.csv": _customer,
    "subscriptions.csv": _subscription,
    "invoices.csv": _invoice,
}
