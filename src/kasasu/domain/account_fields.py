"""The account's fields, once: their type, their label and where each may be used (rules,
KPI filters, template variables, the analytics copy, the accounts import). The lists the
slices need are derived from here, so a new field is one entry (and
tests/domain/test_account_fields.py checks it against the ``Account`` model and each use)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kasasu.domain.choices import LifecycleStage, TouchModel
from kasasu.kit.choices import LabelledChoice
from kasasu.kit.i18n import Message, _


@dataclass(frozen=True)
class AccountField:
    name: str  # the Account column
    type: type[Any]  # its Python type (an enum for a choice)
    label: Message
    rule: bool = False  # segment and playbook rules read it (plan == "Enterprise")
    kpi_filter: bool = False  # a KPI may be filtered by it
    variable: str | None = None  # its name in templates, {{ account.NAME }}
    analytics: bool = False  # copied into the analytics store
    import_column: str | None = None  # its column in the accounts import (headers.yaml)
    references: str | None = None  # the table whose id it holds


# In the order of the accounts import; the derived lists keep it.
ACCOUNT_FIELDS: tuple[AccountField, ...] = (
    AccountField("id", int, _("Id"), variable="id", analytics=True),
    AccountField(
        "external_id",
        str,
        _("External id"),
        variable="external_id",
        analytics=True,
        import_column="external_id",
    ),
    AccountField("name", str, _("Name"), variable="name", analytics=True, import_column="name"),
    AccountField("name_kana", str, _("Name (kana)"), import_column="name_kana"),
    AccountField("domain", str, _("Domain"), import_column="domain"),
    AccountField(
        "industry",
        str,
        _("Industry"),
        rule=True,
        kpi_filter=True,
        variable="industry",
        analytics=True,
        import_column="industry",
    ),
    AccountField("employee_band", str, _("Employee band"), import_column="employee_band"),
    AccountField(
        "plan",
        str,
        _("Plan"),
        rule=True,
        kpi_filter=True,
        variable="plan",
        analytics=True,
        import_column="plan",
    ),
    AccountField(
        "tier",
        str,
        _("Tier"),
        rule=True,
        kpi_filter=True,
        variable="tier",
        analytics=True,
        import_column="tier",
    ),
    AccountField(
        "owner_id",
        int,
        _("Owner"),
        rule=True,
        kpi_filter=True,
        analytics=True,
        import_column="owner",
        references="users",
    ),
    AccountField(
        "touch_model",
        TouchModel,
        _("Touch model"),
        rule=True,
        kpi_filter=True,
        variable="touch_model",
        analytics=True,
        import_column="touch_model",
    ),
    AccountField(
        "lifecycle_stage",
        LifecycleStage,
        _("Lifecycle stage"),
        rule=True,
        kpi_filter=True,
        variable="lifecycle_stage",
        analytics=True,
        import_column="lifecycle_stage",
    ),
    # Other columns of the import become custom fields (imports.kinds, custom_fields=True).
    AccountField("custom_fields", dict, _("Custom fields"), variable="custom"),
    AccountField("created_at", datetime, _("Created at"), analytics=True),
)
BY_NAME = {f.name: f for f in ACCOUNT_FIELDS}

RULE_FIELDS = tuple(f.name for f in ACCOUNT_FIELDS if f.rule)
KPI_FILTERS = tuple(f.name for f in ACCOUNT_FIELDS if f.kpi_filter)
ANALYTICS_COLUMNS = tuple(f.name for f in ACCOUNT_FIELDS if f.analytics)
TEMPLATE_FIELDS = tuple(f for f in ACCOUNT_FIELDS if f.variable)
IMPORT_FIELDS = tuple(f for f in ACCOUNT_FIELDS if f.import_column)
# What the daily refresh reads of each account: what rules and templates may use.
FACT_FIELDS = tuple(f.name for f in ACCOUNT_FIELDS if f.rule or f.variable)


def filter_words(name: str, value: str, locale: str) -> str:
    """A filter on an account field as people read it: "Lifecycle stage: Adoption"."""
    field = BY_NAME.get(name)
    if field is None:
        return f"{name}: {value}"
    shown = value
    if isinstance(field.type, type) and issubclass(field.type, LabelledChoice):
        choices = {c.value: c for c in field.type}
        shown = choices[value].label.render(locale) if value in choices else value
    return f"{field.label.render(locale)}: {shown}"
