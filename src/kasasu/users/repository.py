from __future__ import annotations

from sqlalchemy import func, select

from kasasu.db.repository import Repository
from kasasu.models import ApiKey, SavedView, User


class UserRepository(Repository[User]):
    model = User
    sortable = ("id", "email", "name", "created_at")
    default_sort = "email"
    searchable = ("email", "name")

    def get_by_email(self, email: str) -> User | None:
        stmt = select(User).where(func.lower(User.email) == email.lower())
        return self.session.scalars(stmt).one_or_none()

    def get_by_identity(self, issuer: str, subject: str) -> User | None:
        stmt = select(User).where(User.oidc_issuer == issuer, User.oidc_subject == subject)
        return self.session.scalars(stmt).one_or_none()

    def list_by_ids(self, ids: list[int]) -> list[User]:
        return list(self.session.scalars(select(User).where(User.id.in_(ids)))) if ids else []

    def list_all(self) -> list[User]:
        return list(self.session.scalars(select(User).order_by(User.name)))


class ApiKeyRepository(Repository[ApiKey]):
    model = ApiKey

    def get_by_hash(self, key_hash: str) -> ApiKey | None:
        return self.session.scalars(select(ApiKey).where(ApiKey.key_hash == key_hash)).one_or_none()

    def list_all(self) -> list[ApiKey]:
        return list(self.session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc())))


class SavedViewRepository(Repository[SavedView]):
    model = SavedView

    def for_user(self, user_id: int, page: str) -> list[SavedView]:
        stmt = (
            select(SavedView)
            .where(SavedView.user_id == user_id, SavedView.page == page)
            .order_by(SavedView.name)
        )
        return list(self.session.scalars(stmt))

    def named(self, user_id: int, page: str, name: str) -> SavedView | None:
        stmt = select(SavedView).where(
            SavedView.user_id == user_id, SavedView.page == page, SavedView.name == name
        )
        return self.session.scalars(stmt).one_or_none()
