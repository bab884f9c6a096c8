"""Bulk actions on accounts: on the ones chosen, or on every account a list's filters match.

Assign an owner (by hand, or by the ownership rules), set a touch model, create a task on
each (owned by the account's CSM), invite their key contacts to the next survey of a kind or
to a named campaign, start a playbook on each, or start each one's onboarding plan.
Each change goes through the slice's own service, so it is checked and audited as one made
by hand; nothing is written when any account refuses it (the request's one transaction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator
from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountUpdate
from kasasu.accounts.service import account_names, accounts
from kasasu.domain.choices import SurveyKind, TaskSource, TouchModel
from kasasu.errors import Conflict, FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.kit.types import INPUT_CONFIG, Day, RowId
from kasasu.onboarding.schemas import OnboardingStart
from kasasu.onboarding.service import start_onboarding
from kasasu.ownership.service import apply_rules
from kasasu.playbooks.manual import start_on_account
from kasasu.playbooks.variables import PlaybookConfig
from kasasu.surveys.campaigns import add_to_campaign, enrol_contacts, key_contacts
from kasasu.tasks.schemas import TaskCreate
from kasasu.tasks.service import tasks
from kasasu.workspace.accounts import AccountListQuery

BulkKind = Literal[
    "owner", "rules", "touch_model", "task", "survey", "campaign", "playbook", "onboarding"
]
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
    survey_kind: SurveyKind | None = None
    campaign: str | None = Field(default=None, max_length=100)
    playbook: str | None = Field(default=None, max_length=100)
    template: str | None = Field(default=None, max_length=100)  # None: the one that applies

    @model_validator(mode="after")
    def _needs(self) -> Self:
        if self.kind == "owner" and self.owner_id is None:
            raise InvalidInput(
                _("Choose whom to assign the accounts to"),
                [FieldError(("owner_id",), _("Choose a user"))],
            )
        if self.kind == "survey" and self.survey_kind is None:
            raise InvalidInput(
                _("Choose the survey"), [FieldError(("survey_kind",), _("Choose a survey"))]
            )
        if self.kind == "campaign" and not self.campaign:
            raise InvalidInput(
                _("Choose the survey campaign"),
                [FieldError(("campaign",), _("Choose a campaign"))],
            )
        if self.kind == "playbook" and not self.playbook:
            raise InvalidInput(
                _("Choose the playbook"), [FieldError(("playbook",), _("Choose a playbook"))]
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


@dataclass(frozen=True)
class Actor:
    """Who acts and when, and how playbooks plan for them (needed by the playbook action
    only)."""

    user_id: int
    name: str
    now: datetime
    playbooks: PlaybookConfig | None
    locale: str  # of what is stored for everyone: onboarding steps' names


def _start_plan(
    session: Session, account_id: int, template: str | None, today: date, actor: Actor
) -> bool:
    """Start a plan unless the account has one (or none applies): whether it started."""
    try:
        start_onboarding(
            session,
            account_id,
            OnboardingStart(template=template),
            by=actor.user_id,
            locale=actor.locale,
            today=today,
        )
    except (Conflict, NotFound):
        return False
    return True


def apply(session: Session, ids: list[int], action: BulkAction, today: date, actor: Actor) -> int:
    """Do ``action`` to each account; returns how many accounts it changed (for the rules
    and surveys: those given a CSM, or with a contact invited; for onboarding: those whose plan
    started)."""
    if action.kind == "rules":
        return len(apply_rules(session, ids, by=actor.user_id).assigned)
    if action.kind == "survey" and action.survey_kind is not None:
        by_account: dict[int, list[int]] = {}
        for person in key_contacts(session, ids):
            by_account.setdefault(person.account_id, []).append(person.contact_id)
        invited = [
            enrol_contacts(session, a, people, action.survey_kind, f"bulk:{actor.name}")
            for a, people in by_account.items()
        ]
        return sum(1 for n in invited if n)
    if action.kind == "onboarding":
        return sum(_start_plan(session, a, action.template, today, actor) for a in ids)
    if action.kind == "campaign" and action.campaign:
        added = add_to_campaign(session, action.campaign, ids, actor.now)
        return len({p.account_id for p in added})
    for account_id in ids:
        if action.kind == "owner":
            accounts.update(session, account_id, AccountUpdate(owner_id=action.owner_id))
        elif action.kind == "touch_model":
            accounts.update(session, account_id, AccountUpdate(touch_model=action.touch_model))
        elif action.kind == "playbook" and action.playbook and actor.playbooks is not None:
            start_on_account(
                session, today, actor.playbooks, action.playbook, account_id, started_by=actor.name
            )
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
