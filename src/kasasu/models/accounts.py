"""Customer organisations (顧客企業) and the ids other systems know them by."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from kasasu.domain.choices import LifecycleStage, TouchModel
from kasasu.domain.search import search_text
from kasasu.models.base import Base, IdMixin, IdType, JSONType, TimestampMixin, enum_column

_SEARCHED = ("name", "name_kana", "external_id", "domain")  # search_text's arguments


def _searched(context: DefaultExecutionContext) -> str:
    row = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return search_text(*(row.get(name) for name in _SEARCHED))


class Account(IdMixin, TimestampMixin, Base):
    __tablename__ = "accounts"
    __table_args__ = (Index("ix_accounts_name", "name"), Index("ix_accounts_owner", "owner_id"))

    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    name_kana: Mapped[str | None] = mapped_column(String(300))
    domain: Mapped[str | None] = mapped_column(String(253))
    industry: Mapped[str | None] = mapped_column(String(100))
    employee_band: Mapped[str | None] = mapped_column(String(32))
    plan: Mapped[str | None] = mapped_column(String(100))
    tier: Mapped[str | None] = mapped_column(String(100))
    owner_id: Mapped[int | None] = mapped_column(
        IdType, ForeignKey("users.id", ondelete="SET NULL")
    )
    touch_model: Mapped[TouchModel | None] = mapped_column(enum_column(TouchModel))
    lifecycle_stage: Mapped[LifecycleStage | None] = mapped_column(enum_column(LifecycleStage))
    custom_fields: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Folded name, reading (and its romaji), external id and domain: what search looks in.
    # Written once per flush by the mapper events below, by the default for bulk inserts
    # (the demo).
    search_text: Mapped[str | None] = mapped_column(Text, default=_searched)


@event.listens_for(Account, "before_insert")
@event.listens_for(Account, "before_update")
def _keep_search_text(_mapper: Any, _connection: Any, account: Account) -> None:
    account.search_text = search_text(*(getattr(account, name) for name in _SEARCHED))


class AccountExternalId(IdMixin, Base):
    """The account's id in another system (CRM, billing, product), one per source."""

    __tablename__ = "account_external_ids"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        UniqueConstraint("account_id", "source"),
    )

    account_id: Mapped[int] = mapped_column(IdType, ForeignKey("accounts.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(50))
    external_id: Mapped[str] = mapped_column(String(200))
