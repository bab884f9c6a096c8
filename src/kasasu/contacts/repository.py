from __future__ import annotations

from kasasu.db.repository import Repository
from kasasu.models import Contact


class ContactRepository(Repository[Contact]):
    model = Contact
    sortable = ("id", "name", "email", "created_at", "updated_at")
    default_sort = "id"
    searchable = ("name", "name_kana", "email", "external_id")
