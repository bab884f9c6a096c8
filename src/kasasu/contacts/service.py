from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from kasasu.contacts.repository import ContactRepository
from kasasu.contacts.schemas import ContactCreate, ContactRead, ContactUpdate
from kasasu.db.service import CrudService
from kasasu.errors import FieldError
from kasasu.kit.i18n import _
from kasasu.models import Contact


class ContactService(CrudService[Contact, ContactCreate, ContactUpdate, ContactRead]):
    repository = ContactRepository
    read_schema = ContactRead
    noun = _("Contact")
    external_id_prefix = "cont"


contacts = ContactService()


def contact_of_account_errors(session: Session, values: Mapping[str, Any]) -> list[FieldError]:
    """A row that names a contact must name one of the same account (a contact that does
    not exist is reported by the service's foreign-key check)."""
    contact_id = values.get("contact_id")
    if contact_id is None:
        return []
    contact = ContactRepository(session).get(contact_id)
    if contact is None or contact.account_id == values.get("account_id"):
        return []
    return [
        FieldError(
            ("body", "contact_id"),
            _("Contact {id} belongs to another account", id=contact_id),
            contact_id,
        )
    ]
