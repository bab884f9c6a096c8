from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from kasasu.accounts.repository import AccountRepository
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
    references = {"account_id": AccountRepository}
    external_id_prefix = "cont"


contacts = ContactService()


def contact_of_account_errors(session: Session, values: Mapping[str, Any]) -> list[FieldError]:
    """A row that names a contact must name one of the same account."""
    contact_id = values.get("contact_id")
    if contact_id is None:
        return []
    contact = ContactRepository(session).get(contact_id)
    if contact is None:
        return [
            FieldError(
                ("body", "contact_id"), _("No such row: {value}", value=contact_id), contact_id
            )
        ]
    if contact.account_id != values.get("account_id"):
        return [
            FieldError(
                ("body", "contact_id"),
                _("Contact {id} belongs to another account", id=contact_id),
                contact_id,
            )
        ]
    return []
