"""Every entry of the account-field catalogue is a real column of the right type, and each
use it is flagged for accepts it (the lists the slices read are derived from it)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import ibis
import pyarrow as pa
import pytest
from sqlalchemy import JSON, inspect

from kasasu.accounts.schemas import AccountCreate
from kasasu.analytics.sources import FILTERABLE
from kasasu.domain.account_fields import (
    ACCOUNT_FIELDS,
    FACT_FIELDS,
    IMPORT_FIELDS,
    KPI_FILTERS,
    RULE_FIELDS,
    TEMPLATE_FIELDS,
    AccountField,
)
from kasasu.domain.choices import LifecycleStage, TouchModel
from kasasu.domain.rules import compile_rule
from kasasu.imports.kinds import kind_specs
from kasasu.imports.mapping import header_table
from kasasu.imports.schemas import ImportKind
from kasasu.kit.i18n import _
from kasasu.models import Account
from kasasu.playbooks.schemas import PlaybookDefinition
from kasasu.playbooks.templates import ACCOUNT_KEYS, render, sample_context
from kasasu.playbooks.triggers.base import Firing
from kasasu.playbooks.variables import FiringContext, PlaybookConfig, Reader
from kasasu.segments.schemas import RULE_NAMES
from kasasu.warehouse.facts import COLUMNS

COLUMNS_OF_ACCOUNT = inspect(Account).columns


def _python_type(name: str) -> type[Any]:
    column_type = COLUMNS_OF_ACCOUNT[name].type
    if isinstance(column_type, JSON) or isinstance(getattr(column_type, "impl", None), JSON):
        return dict
    impl = getattr(column_type, "impl", column_type)
    found: type[Any] = impl.python_type
    return found


@pytest.mark.parametrize("field", ACCOUNT_FIELDS, ids=lambda f: f.name)
def test_each_field_is_a_column_of_its_type(field: AccountField) -> None:
    assert field.name in COLUMNS_OF_ACCOUNT
    assert _python_type(field.name) is field.type
    assert field.label.render("ja") != field.label.msgid  # translated


def test_a_reference_is_a_foreign_key() -> None:
    for field in ACCOUNT_FIELDS:
        keys = {fk.column.table.name for fk in COLUMNS_OF_ACCOUNT[field.name].foreign_keys}
        assert keys == ({field.references} if field.references else set())


def test_the_flagged_lists() -> None:
    assert RULE_FIELDS == ("industry", "plan", "tier", "owner_id", "touch_model", "lifecycle_stage")
    assert set(KPI_FILTERS) == set(RULE_FIELDS)
    assert FILTERABLE == KPI_FILTERS
    assert set(FACT_FIELDS) == {*RULE_FIELDS, "id", "external_id", "name", "custom_fields"}


@pytest.mark.parametrize("name", RULE_FIELDS)
def test_rules_read_the_rule_fields(name: str) -> None:
    assert name in RULE_NAMES
    rule = compile_rule(f'{name} == "x"', RULE_NAMES, where="test")
    assert rule.matches({name: "x"})


@pytest.mark.parametrize("name", KPI_FILTERS)
def test_kpis_filter_by_the_kpi_filters(name: str) -> None:
    from kasasu.analytics.sources import Sources

    accounts = ibis.memtable(pa.table({"id": [1, 2], name: ["a", "b"]}))
    empty = ibis.memtable(pa.table({"account_id": [1]}))
    sources = Sources(accounts, *(empty,) * 5)
    kept = sources.filtered({name: "a"}).accounts.select("id").to_pyarrow()
    assert kept["id"].to_pylist() == [1]


def test_the_analytics_copy_holds_the_analytics_fields() -> None:
    assert COLUMNS[Account] == tuple(f.name for f in ACCOUNT_FIELDS if f.analytics)


def test_templates_read_each_variable() -> None:
    variables = [f.variable for f in TEMPLATE_FIELDS]
    assert (*variables, "mrr") == ACCOUNT_KEYS
    for name in variables:
        assert render(f"{{{{ account.{name} }}}}", "en", sample_context()) is not None

    class NoFacts:
        def features(self) -> dict[int, Any]:
            return {}

        def health(self) -> dict[int, Any]:
            return {}

    account = Account(
        id=7,
        external_id="A-7",
        name="Acme",
        industry="SaaS",
        plan="Pro",
        tier="Gold",
        touch_model=TouchModel.TECH,
        lifecycle_stage=LifecycleStage.ONBOARDING,
        custom_fields={"region": "Kanto"},
    )
    playbook = PlaybookDefinition.model_validate(
        {
            "name": "p",
            "title": "P",
            "trigger": {"type": "ticket_escalated"},
            "actions": [{"type": "task", "title": "T"}],
        }
    )
    context = FiringContext(
        PlaybookConfig("Asia/Tokyo", "JPY", "en", "http://x"),
        date(2026, 4, 1),
        playbook,
        Firing(7, "w", _("x")),
        account,
        Reader(account, None, []),
        NoFacts(),  # type: ignore[arg-type]
    )
    assert context.variables("en")["account"] == {
        "id": 7,
        "external_id": "A-7",
        "name": "Acme",
        "industry": "SaaS",
        "plan": "Pro",
        "tier": "Gold",
        "touch_model": "tech",
        "lifecycle_stage": "onboarding",
        "custom": {"region": "Kanto"},
        "mrr": "",
    }


def test_the_accounts_import_reads_the_import_fields() -> None:
    columns = {c.key: c for c in kind_specs()[ImportKind.ACCOUNTS].columns}
    headers = header_table()["accounts"]
    assert list(columns) == [f.name for f in IMPORT_FIELDS]
    for field in IMPORT_FIELDS:
        assert field.name in AccountCreate.model_fields
        assert field.import_column in headers
        assert columns[field.name].field == field.import_column
        if issubclass(field.type, StrEnum):
            assert columns[field.name].parse is field.type
    assert columns["owner_id"].parse == "user"
    assert [k for k, c in columns.items() if c.required] == ["external_id", "name"]


def test_created_at_is_a_datetime() -> None:
    assert next(f for f in ACCOUNT_FIELDS if f.name == "created_at").type is datetime
