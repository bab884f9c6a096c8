from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select

from kasasu.db.repository import Repository
from kasasu.domain.choices import TouchModel
from kasasu.models import (
    Account,
    AccountExternalId,
    HealthScore,
    Segment,
    SegmentMember,
    Subscription,
)


class AccountRepository(Repository[Account]):
    model = Account
    sortable = ("id", "name", "name_kana", "external_id", "plan", "created_at", "updated_at")
    default_sort = "name"
    searchable = ("name", "name_kana", "external_id", "domain")

    def _filtered(self, stmt: Select[Any], filters: Mapping[str, Any]) -> Select[Any]:
        """Also ``band`` (on the latest day scored), ``renews_from``/``renews_to`` (a
        paying line's end date in that range), ``current_touch_model`` and ``segment`` (see
        below), as subqueries: no id lists in the query."""
        filters = dict(filters)
        band = filters.pop("band", None)
        renews = (filters.pop("renews_from", None), filters.pop("renews_to", None))
        touch = filters.pop("current_touch_model", None)
        segment = filters.pop("segment", None)
        stmt = super()._filtered(stmt, filters)
        latest = select(func.max(HealthScore.as_of)).scalar_subquery()
        if band:
            banded = select(HealthScore.account_id).where(
                HealthScore.as_of == latest, HealthScore.band == band
            )
            stmt = stmt.where(Account.id.in_(banded))
        if touch:
            stmt = stmt.where(_current_touch_model(latest, touch))
        if segment:
            inside = (
                select(SegmentMember.account_id)
                .join(Segment, Segment.id == SegmentMember.segment_id)
                .where(Segment.name == segment, SegmentMember.left_on.is_(None))
            )
            stmt = stmt.where(Account.id.in_(inside))
        if renews[0] is not None and renews[1] is not None:
            renewing = select(Subscription.account_id).where(
                Subscription.end_date >= renews[0],
                Subscription.end_date <= renews[1],
                Subscription.status != "trial",
                Subscription.cancelled_on.is_(None),
            )
            stmt = stmt.where(Account.id.in_(renewing))
        return stmt

    def names(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = self.session.execute(select(Account.id, Account.name).where(Account.id.in_(ids)))
        return {row_id: name for row_id, name in rows}  # noqa: C416 - dict(Result) reads it as a mapping


def _current_touch_model(latest: Any, touch: str) -> ColumnElement[bool]:
    """The account's own touch model, else the latest refresh's; "none": neither."""
    scored = select(HealthScore.account_id).where(HealthScore.as_of == latest)
    if touch == "none":
        given = scored.where(HealthScore.touch_model.is_not(None))
        return Account.touch_model.is_(None) & Account.id.not_in(given)
    model = TouchModel(touch)
    given = scored.where(HealthScore.touch_model == model)
    return (Account.touch_model == model) | (Account.touch_model.is_(None) & Account.id.in_(given))


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
