from __future__ import annotations

from kasasu.db.repository import Repository
from kasasu.models import Account


class AccountRepository(Repository[Account]):
    model = Account
    sortable = ("id", "name", "name_kana", "external_id", "plan", "created_at", "updated_at")
    default_sort = "name"
    searchable = ("name", "name_kana", "external_id", "domain")
