from __future__ import annotations

from sqlalchemy import select

from kasasu.db.repository import Repository
from kasasu.models import Account, AccountExternalId


class AccountRepository(Repository[Account]):
    model = Account
    sortable = ("id", "name", "name_kana", "external_id", "plan", "created_at", "updated_at")
    default_sort = "name"
    folded = "search_text"  # name, reading (kana and romaji), external id, domain

    def names(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = self.session.execute(select(Account.id, Account.name).where(Account.id.in_(ids)))
        return {row_id: name for row_id, name in rows}  # noqa: C416 - dict(Result) reads it as a mapping

    def values_of(self, column: str) -> list[str]:
        """The distinct non-empty values of a text column, sorted (a filter's dropdown)."""
        field = getattr(Account, column)
        stmt = select(field).where(field.is_not(None), field != "").distinct().order_by(field)
        return [str(v) for v in self.session.scalars(stmt)]


class AccountExternalIdRepository(Repository[AccountExternalId]):
    model = AccountExternalId

    def get_for(self, source: str, external_id: str) -> AccountExternalId | None:
        stmt = select(AccountExternalId).where(
            AccountExternalId.source == source, AccountExternalId.external_id == external_id
        )
        return self.session.scalars(stmt).one_or_none()

    def list_for_account(self, account_id: int) -> list[AccountExternalId]:
        stmt = (
            select(AccountExternalId)
            .where(AccountExternalId.account_id == account_id)
            .order_by(AccountExternalId.source)
        )
        return list(self.session.scalars(stmt))
