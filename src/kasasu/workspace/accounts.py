"""The accounts list: search, filters over health, touch models, segments and renewals,
sort and paging, with each account's latest health and owner; the same rows as a file."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, Field
from sqlalchemy import ColumnElement
from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountRead
from kasasu.accounts.service import accounts
from kasasu.db.repository import WHERE
from kasasu.domain.choices import TouchModel
from kasasu.domain.scoring import Band
from kasasu.health.snapshots import HealthBrief, compared_days, latest_briefs, previous_scores
from kasasu.kit.paging import DEFAULT_LIMIT, MAX_LIMIT
from kasasu.kit.types import INPUT_CONFIG, Day, RowId
from kasasu.users.service import user_names
from kasasu.workspace import repository

RENEWAL_WINDOWS = (30, 60, 90, 180)
# By the account's own columns, or by what the latest refresh knows (repository.account_sort_keys).
AccountSort = Literal[
    "name", "-name", "external_id", "-external_id", "plan", "-plan", "-created_at",
    "mrr", "-mrr", "health", "-health", "health_change", "-health_change",
    "renewal", "-renewal", "owner", "-owner", "last_activity", "-last_activity",
    "risk", "-risk",
]  # fmt: skip
NO_TOUCH_MODEL = "none"  # the touch-model filter's value for "neither its own nor scored"
Text = Annotated[str, Field(max_length=200)]


def _window(days: int) -> int:
    if days not in RENEWAL_WINDOWS:
        raise ValueError(f"one of {', '.join(map(str, RENEWAL_WINDOWS))} days")
    return days


NO_OWNER = "none"  # the owner filter's value for accounts without a CSM


class AccountListQuery(BaseModel):
    """Which accounts, in which order, which page. ``touch_model`` is the one it has now
    (its own, else the latest refresh's); ``renews``: a paying line ends within that many
    days from today."""

    model_config = INPUT_CONFIG

    q: Text | None = Field(default=None, description="Search name, kana, external id, domain")
    plan: Text | None = None
    tier: Text | None = None
    industry: Text | None = None
    segment: Text | None = None
    owner_id: RowId | Literal["none"] | None = Field(
        default=None, description='The CSM\'s user id, or "none" for accounts without a CSM'
    )
    band: Band | None = Field(default=None, description="On the latest day scored")
    touch_model: TouchModel | Literal["none"] | None = None
    renews: Annotated[int, AfterValidator(_window)] | None = Field(
        default=None, description="Days from today: 30, 60, 90 or 180"
    )
    worse_than_on: Day | None = Field(
        default=None, description="Its band on the latest day scored is worse than on this day"
    )
    risk_above: Annotated[float, Field(gt=0, lt=1)] | None = Field(
        default=None, description="Its churn risk on the latest day scored is above this (0–1)"
    )
    sort: AccountSort = "name"
    cursor: Annotated[str, Field(max_length=500)] | None = None
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT

    def filters(self, today: date) -> dict[str, Any]:
        """The list's filters: plain columns, plus conditions over the other slices."""
        plain = {k: getattr(self, k) for k in ("plan", "tier", "industry")}
        where: list[ColumnElement[bool]] = []
        if self.owner_id == NO_OWNER:
            where.append(repository.without_owner())
        elif self.owner_id is not None:
            plain["owner_id"] = self.owner_id
        if self.band is not None:
            where.append(repository.in_band(self.band))
        if self.touch_model is not None:
            touch = None if self.touch_model == NO_TOUCH_MODEL else TouchModel(self.touch_model)
            where.append(repository.has_touch_model(touch))
        if self.segment:
            where.append(repository.in_segment(self.segment))
        if self.worse_than_on is not None:
            where.append(repository.worse_than_on(self.worse_than_on))
        if self.risk_above is not None:
            where.append(repository.risk_above(self.risk_above))
        if self.renews is not None:
            where.append(repository.renews_between(today, today + timedelta(days=self.renews)))
        return {"q": (self.q or "").strip() or None, **plain, WHERE: where}


class Brief(BaseModel):
    """An account's health and MRR on the latest day scored."""

    score: float | None
    band: Band
    mrr: float | None = Field(description="Reporting currency, minor units")
    days_to_renewal: float | None
    touch_model: TouchModel | None = Field(description="The latest refresh's touch model")
    churn_risk: float | None = Field(
        default=None, description="Probability of churning within 90 days; none without a model"
    )
    change: float | None = Field(
        default=None, description="Score change since the refresh about a week before"
    )


class AccountListItem(AccountRead):
    owner_name: str | None
    health: Brief | None = Field(description="None before the account was first scored")
    last_activity: datetime | None = Field(default=None, description="Its latest activity")

    @property
    def current_touch_model(self) -> TouchModel | None:
        """Its own touch model, else the latest refresh's."""
        return self.touch_model or (self.health.touch_model if self.health else None)


class AccountPage(BaseModel):
    items: list[AccountListItem]
    next_cursor: str | None
    prev_cursor: str | None = Field(default=None, description="The page before this one")
    total: int = Field(description="Accounts matching, on every page")


def list_accounts(session: Session, query: AccountListQuery, today: date) -> AccountPage:
    """One page of the list and the count of every matching account (three more queries,
    whatever the page size)."""
    filters = query.filters(today)
    before = compared_days(session)[1]
    keys = repository.account_sort_keys(before)
    page = accounts.list_page(
        session, filters, sort=query.sort, cursor=query.cursor, limit=query.limit, keys=keys
    )
    return AccountPage(
        items=_items(session, page.items, before),
        next_cursor=page.next_cursor,
        prev_cursor=page.prev_cursor,
        total=accounts.count(session, filters),
    )


def all_accounts(
    session: Session, query: AccountListQuery, today: date, batch: int = 500
) -> Iterator[AccountListItem]:
    """Every account the query matches, in its order, a batch at a time (an export)."""
    filters, cursor, before = query.filters(today), None, compared_days(session)[1]
    keys = repository.account_sort_keys(before)
    while True:
        page = accounts.list_page(
            session, filters, sort=query.sort, cursor=cursor, limit=batch, keys=keys
        )
        yield from _items(session, page.items, before)
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def _items(session: Session, rows: list[AccountRead], before: date | None) -> list[AccountListItem]:
    """The rows with their health (and its change since ``before``), owner and latest
    activity: four queries, whatever the number of rows."""
    ids = [a.id for a in rows]
    health = latest_briefs(session, ids)
    earlier = previous_scores(session, ids, before)
    owners = user_names(session, [a.owner_id for a in rows if a.owner_id])
    activities = repository.last_activities(session, ids)
    items = []
    for a in rows:
        brief, then = brief_of(health.get(a.id)), earlier.get(a.id)
        if brief is not None and brief.score is not None and then is not None:
            brief.change = brief.score - then
        items.append(
            AccountListItem(
                **a.model_dump(),
                owner_name=owners.get(a.owner_id) if a.owner_id else None,
                health=brief,
                last_activity=activities.get(a.id),
            )
        )
    return items


def brief_of(h: HealthBrief | None) -> Brief | None:
    if h is None:
        return None
    return Brief(
        score=h.score,
        band=Band(h.band),
        mrr=h.mrr,
        days_to_renewal=h.days_to_renewal,
        touch_model=h.touch_model,
        churn_risk=h.churn_risk,
    )
