from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kasasu.contacts.service import contact_of_account_errors
from kasasu.db.service import CrudService
from kasasu.errors import FieldError
from kasasu.kit.i18n import _
from kasasu.models import Ticket
from kasasu.support.repository import TicketRepository
from kasasu.support.schemas import TicketCreate, TicketRead, TicketUpdate


def ticket_errors(values: Mapping[str, Any]) -> list[FieldError]:
    opened = values.get("opened_at")
    errors = []
    for name in ("first_response_at", "resolved_at"):
        value = values.get(name)
        if opened and value and value < opened:
            errors.append(
                FieldError(("body", name), _("Earlier than the ticket was opened"), value)
            )
    return errors


class TicketService(CrudService[Ticket, TicketCreate, TicketUpdate, TicketRead]):
    repository = TicketRepository
    read_schema = TicketRead
    noun = _("Ticket")
    external_id_prefix = "tkt"

    def validate(self, session: Session, values: Mapping[str, Any]) -> list[FieldError]:
        return ticket_errors(values) + contact_of_account_errors(session, values)


tickets = TicketService()


def tickets_around(
    session: Session, words: Sequence[str], middle: datetime, span: timedelta
) -> tuple[int, int]:
    """Tickets whose subject holds any of ``words``: opened in the ``span`` before
    ``middle`` and in the ``span`` from it."""
    return TicketRepository(session).count_around(words, middle - span, middle, middle + span)
