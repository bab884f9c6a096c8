"""What each import kind reads: its columns, how each is parsed, and where rows are written.

A kind reuses its slice: the ``<Entity>Create`` schema validates a converted row, the slice's
cross-field rules check it, and the slice service's ``upsert_many`` writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountCreate
from kasasu.accounts.service import accounts
from kasasu.activities.schemas import ActivityCreate
from kasasu.activities.service import activities
from kasasu.contacts.schemas import ContactCreate
from kasasu.contacts.service import contacts
from kasasu.db.service import CrudService, UpsertResult
from kasasu.domain.account_fields import IMPORT_FIELDS, AccountField
from kasasu.domain.choices import (
    ActivityKind,
    BillingInterval,
    CancellationReason,
    ContactRole,
    DealKind,
    DealStage,
    Language,
    NeedStatus,
    Priority,
    SubscriptionStatus,
    SurveyKind,
    TicketChannel,
    TicketStatus,
)
from kasasu.errors import FieldError
from kasasu.imports.schemas import ImportKind
from kasasu.needs.requests import FeedbackCreate, feedback
from kasasu.onboarding.schemas import MilestoneCreate
from kasasu.onboarding.service import milestones
from kasasu.pipeline.schemas import DealCreate, LeadCreate
from kasasu.pipeline.service import deal_errors, deals, lead_errors, leads
from kasasu.subscriptions.rates import exchange_rate_errors, save_exchange_rates
from kasasu.subscriptions.schemas import ExchangeRateCreate, SubscriptionCreate
from kasasu.subscriptions.service import subscription_errors, subscriptions
from kasasu.support.schemas import TicketCreate
from kasasu.support.service import ticket_errors, tickets
from kasasu.surveys.schemas import ResponseCreate
from kasasu.surveys.service import responses, score_errors

# How a cell is read. References are looked up in bulk for the whole file after parsing.
Parse = Literal[
    "text",
    "int",
    "decimal",
    "bool",
    "date",
    "instant",
    "money",
    "currency",
    "account",
    "contact",
    "user",
    "lead",
]
REFERENCES: tuple[Parse, ...] = ("account", "contact", "user", "lead")


@dataclass(frozen=True)
class Column:
    field: str  # the name in headers.yaml and in --map
    parse: Parse | type[StrEnum]
    target: str = ""  # the schema field, when it differs (account → account_id)
    required: bool = False

    @property
    def key(self) -> str:
        return self.target or self.field


@dataclass(frozen=True)
class KindSpec:
    kind: ImportKind
    columns: tuple[Column, ...]
    schema: type[BaseModel]
    # Rows are upserted by external id through the slice's service, unless ``write`` is
    # given: it stores checked rows keyed by ``key`` (e.g. exchange rates by day and pair).
    service: CrudService[Any, Any, Any, Any] | None
    rules: Callable[[Mapping[str, Any]], list[FieldError]] | None = None
    # Accounts keep the file's other columns as custom fields; other kinds ignore them.
    custom_fields: bool = False
    finish: Callable[[dict[str, Any]], None] | None = None
    key: tuple[str, ...] = ("external_id",)
    write: Callable[[Session, list[dict[str, Any]]], UpsertResult] | None = None
    # A field that takes the reporting currency (``KASASU_CURRENCY``) when the file has none.
    reporting_currency: str | None = None

    @property
    def required(self) -> list[str]:
        return [c.field for c in self.columns if c.required]

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


def _id() -> Column:
    return Column("external_id", "text", required=True)


def _account() -> Column:
    return Column("account", "account", "account_id", required=True)


def _account_column(f: AccountField) -> Column:
    """An account field's column (domain.account_fields): a user's email for its owner, a
    choice by its values or aliases, otherwise text; required when it is the key or
    AccountCreate needs it."""
    parse: Parse | type[StrEnum] = "text"
    if f.references == "users":
        parse = "user"
    elif issubclass(f.type, StrEnum):
        parse = f.type
    column = f.import_column or f.name
    # The external id is the key every row is upserted by, even where the schema has none.
    required = f.name == "external_id" or AccountCreate.model_fields[f.name].is_required()
    return Column(column, parse, "" if column == f.name else f.name, required)


def _cancelled_when_dated(values: dict[str, Any]) -> None:
    """A contract line with a cancellation date and no status is a cancelled one."""
    if values.get("cancelled_on") and "status" not in values:
        values["status"] = SubscriptionStatus.CANCELLED


@cache
def kind_specs() -> dict[ImportKind, KindSpec]:
    text: Parse = "text"
    specs = [
        KindSpec(
            ImportKind.ACCOUNTS,
            tuple(_account_column(f) for f in IMPORT_FIELDS),
            AccountCreate,
            accounts,
            custom_fields=True,
        ),
        KindSpec(
            ImportKind.CONTACTS,
            (
                _id(),
                _account(),
                Column("name", text, required=True),
                *(Column(f, text) for f in ("name_kana", "email", "phone", "title")),
                Column("role", ContactRole),
                Column("locale", Language),
            ),
            ContactCreate,
            contacts,
        ),
        KindSpec(
            ImportKind.SUBSCRIPTIONS,
            (
                _id(),
                _account(),
                Column("product", text, required=True),
                Column("plan", text),
                Column("seats", "int"),
                Column("currency", "currency"),  # before amount: the amount's default currency
                Column("amount", "money", required=True),
                Column("billing_interval", BillingInterval),
                Column("start_date", "date", required=True),
                Column("end_date", "date"),
                Column("term_months", "int"),
                Column("auto_renew", "bool"),
                Column("status", SubscriptionStatus),
                Column("cancelled_on", "date"),
                Column("cancel_reason", CancellationReason),
                Column("cancel_comment", text),
            ),
            SubscriptionCreate,
            subscriptions,
            rules=subscription_errors,
            finish=_cancelled_when_dated,
        ),
        KindSpec(
            ImportKind.TICKETS,
            (
                _id(),
                _account(),
                Column("contact", "contact", "contact_id"),
                Column("subject", text, required=True),
                Column("opened_at", "instant", required=True),
                Column("first_response_at", "instant"),
                Column("resolved_at", "instant"),
                Column("priority", Priority),
                Column("status", TicketStatus),
                Column("channel", TicketChannel),
                Column("escalated", "bool"),
                Column("satisfaction", "int"),
            ),
            TicketCreate,
            tickets,
            rules=ticket_errors,
        ),
        KindSpec(
            ImportKind.RESPONSES,
            (
                _id(),
                _account(),
                Column("contact", "contact", "contact_id"),
                Column("kind", SurveyKind, required=True),
                Column("score", "int", required=True),
                Column("comment", text),
                Column("answered_at", "instant", required=True),
                Column("campaign", text),
            ),
            ResponseCreate,
            responses,
            rules=score_errors,
        ),
        KindSpec(
            ImportKind.ACTIVITIES,
            (
                _id(),
                _account(),
                Column("contact", "contact", "contact_id"),
                Column("user", "user", "user_id"),
                Column("kind", ActivityKind, required=True),
                Column("subject", text, required=True),
                Column("body", text),
                Column("occurred_at", "instant", required=True),
            ),
            ActivityCreate,
            activities,
        ),
        KindSpec(
            ImportKind.MILESTONES,
            (
                _id(),
                _account(),
                Column("plan", text, required=True),
                Column("name", text, required=True),
                Column("position", "int"),
                Column("is_first_value", "bool"),
                Column("due_date", "date"),
                Column("done_at", "instant"),
            ),
            MilestoneCreate,
            milestones,
        ),
        KindSpec(
            ImportKind.FEEDBACK,
            (
                _id(),
                _account(),
                Column("title", text, required=True),
                Column("body", text),
                Column("status", NeedStatus),
                Column("effort_days", "int"),
            ),
            FeedbackCreate,
            feedback,
        ),
        KindSpec(
            ImportKind.LEADS,
            (
                _id(),
                Column("company_name", text, required=True),
                Column("contact_name", text),
                Column("email", text),
                Column("source", text),
                Column("created_at", "instant", required=True),
                Column("qualified_at", "instant"),
                Column("account", "account", "account_id"),
            ),
            LeadCreate,
            leads,
            rules=lead_errors,
        ),
        KindSpec(
            ImportKind.DEALS,
            (
                _id(),
                Column("account", "account", "account_id"),
                Column("lead", "lead", "lead_id"),
                Column("name", text, required=True),
                Column("stage", DealStage, required=True),
                Column("currency", "currency"),  # before amount: the amount's default currency
                Column("amount", "money"),
                Column("kind", DealKind),
                Column("created_on", "date", required=True),
                Column("closed_on", "date"),
                Column("owner", "user", "owner_id"),
            ),
            DealCreate,
            deals,
            rules=deal_errors,
        ),
        KindSpec(
            ImportKind.EXCHANGE_RATES,
            (
                Column("day", "date", required=True),
                Column("currency", "currency", required=True),
                Column("rate", "decimal", required=True),
                Column("quote_currency", "currency"),
            ),
            ExchangeRateCreate,
            None,
            rules=exchange_rate_errors,
            key=("day", "currency", "quote_currency"),
            write=save_exchange_rates,
            reporting_currency="quote_currency",
        ),
    ]
    return {spec.kind: spec for spec in specs}
