from __future__ import annotations

from sqlalchemy import func, select

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

    def refs_by(self, column: str, values: list[str]) -> dict[str, str]:
        """``column``'s value (name or domain, compared case-folded) → the external id of
        the account holding it (the first one, when several do)."""
        field = getattr(Account, column)
        folded = sorted({v.casefold() for v in values if v})
        found: dict[str, str] = {}
        for start in range(0, len(folded), 500):
            chunk = folded[start : start + 500]
            stmt = (
                select(func.lower(field), Account.external_id)
                .where(func.lower(field).in_(chunk))
                .order_by(Account.id)
            )
            for value, external_id in self.session.execute(stmt):
                found.setdefault(value, external_id)
        return found

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

    def refs_for(self, source: str, ids: list[str]) -> dict[str, str]:
        """The source's ids → the external ids of the accounts they are linked to."""
        wanted = sorted(set(ids))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            stmt = (
                select(AccountExternalId.external_id, Account.external_id)
                .join(Account, Account.id == AccountExternalId.account_id)
                .where(
                    AccountExternalId.source == source,
                    AccountExternalId.external_id.in_(wanted[start : start + 500]),
                )
            )
            found.update({own: ref for own, ref in self.session.execute(stmt)})  # noqa: C416 - rows
        return found

    def for_accounts(self, account_ids: list[int]) -> list[AccountExternalId]:
        if not account_ids:
            return []
        stmt = select(AccountExternalId).where(AccountExternalId.account_id.in_(account_ids))
        return list(self.session.scalars(stmt))

    def list_for_account(self, account_id: int) -> list[AccountExternalId]:
        stmt = (
            select(AccountExternalId)
            .where(AccountExternalId.account_id == account_id)
            .order_by(AccountExternalId.source)
        )
        return list(self.session.scalars(stmt))
