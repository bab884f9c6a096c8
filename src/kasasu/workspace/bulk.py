"""Bulk actions on accounts: on the ones chosen, or on every account a list's filters match.

Assign an owner, set a touch model, or create a task on each (owned by the account's CSM).
Each change goes through the slice's own service, so it is checked and audited as one made
by hand; nothing is written when any account refuses it (the request's one transaction)."""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator
from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountUpdate
from kasasu.accounts.service import account_names, accounts
from kasasu.domain.choices import TaskSource, TouchModel
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _
from kasasu.kit.types import INPUT_CONFIG, Day, RowId
from kasasu.tasks.schemas import TaskCreate
from kasasu.tasks.service import tasks
from kasasu.workspace.accounts import AccountListQuery

BulkKind = Literal["owner", "touch_model", "task"]
NAMED = 10  # accounts named on the confirmation; the count covers all of them


class BulkAction(BaseModel):
    """What to do to each account. ``touch_model`` None with kind "touch_model" clears the
    account's own touch model (the refresh's applies again)."""

    model_config = INPUT_CONFIG

    kind: BulkKind
    owner_id: RowId | None = None
    touch_model: TouchModel | None = None
    title: str | None = Field(default=None, max_length=500)
    due_date: Day | None = None

    @model_validator(mode="after")
    def _needs(self) -> Self:
        if self.kind == "owner" and self.owner_id is None:
            raise InvalidInput(
                _("Choose whom to assign the accounts to"),
                [FieldError(("owner_id",), _("Choose a user"))],
            )
        if self.kind == "task" and not (self.title or "").strip():
            raise InvalidInput(
                _("A task needs a title"), [FieldError(("title",), _("Enter a title"))]
            )
        return self


class BulkPreview(BaseModel):
    total: int
    names: list[str] = Field(description=f"The first {NAMED} accounts' names")


def targets(
    session: Session, query: AccountListQuery, today: date, chosen: list[int] | None
) -> list[int]:
    """The accounts acted on: ``chosen`` among those the filters match, or (None) all of
    them."""
    matching = accounts.ids(session, query.filters(today))
    if chosen is None:
        return matching
    wanted = set(chosen)
    return [i for i in matching if i in wanted]


def preview(session: Session, ids: list[int]) -> BulkPreview:
    names = account_names(session, ids[:NAMED])
    return BulkPreview(total=len(ids), names=[names[i] for i in ids[:NAMED] if i in names])


def apply(session: Session, ids: list[int], action: BulkAction, today: date) -> int:
    """Do ``action`` to each account; returns how many were changed."""
    for account_id in ids:
        if action.kind == "owner":
            accounts.update(session, account_id, AccountUpdate(owner_id=action.owner_id))
        elif action.kind == "touch_model":
            accounts.update(session, account_id, AccountUpdate(touch_model=action.touch_model))
        else:
            owner = accounts.get(session, account_id).owner_id
            task = TaskCreate(
                account_id=account_id,
                owner_id=owner,
                title=(action.title or "").strip(),
                due_date=action.due_date or today,
                source=TaskSource.MANUAL,
            )
            tasks.create(session, task)
    return len(ids)
