"""The language a customer's contact reads: theirs when recorded, else the one their account
names (the custom field ``locale``, from before contacts had one), else the installation's.
Every mail, page and survey written to a contact asks here."""

from __future__ import annotations

from kasasu.kit.i18n import LOCALES
from kasasu.models import Account, Contact


def account_language(account: Account | None, default: str) -> str:
    chosen = (account.custom_fields or {}).get("locale") if account is not None else None
    return chosen if chosen in LOCALES else default


def recorded_language(contact: Contact | None, account: Account | None) -> str | None:
    """The contact's or their account's language; None when neither names one."""
    if contact is not None and contact.locale is not None:
        return contact.locale.value
    chosen = account_language(account, "")
    return chosen or None


def contact_language(contact: Contact | None, account: Account | None, default: str) -> str:
    return recorded_language(contact, account) or default
