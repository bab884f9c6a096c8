"""The registry of action kinds is the only list: it agrees with the schema's union, and
each kind is either done in the database or delivered outside, labelled in both languages."""

from __future__ import annotations

from typing import get_args

import pytest

from kasasu.playbooks.action_schemas import Action, TaskAction
from kasasu.playbooks.actions import ACTION_KINDS, LOCAL_KINDS, ActionKind, describe


def test_registry_and_the_action_union_list_the_same_models() -> None:
    union = get_args(get_args(Action)[0])
    assert [k.schema for k in ACTION_KINDS.values()] == list(union)
    for name, kind in ACTION_KINDS.items():
        assert kind.schema.model_fields["type"].annotation.__args__ == (name,)  # type: ignore[union-attr]


def test_local_kinds_are_those_performed_in_the_database() -> None:
    assert {
        "task",
        "set_field",
        "enrol_survey",
        "add_onboarding",
        "start_onboarding",
        "show_guide",
        "announce",
    } == LOCAL_KINDS
    assert {k for k, v in ACTION_KINDS.items() if v.deliver} == {"email", "webhook", "notify"}


def test_labels_are_translated() -> None:
    assert [k.label.render("ja") for k in ACTION_KINDS.values()] == [
        "タスク",
        "メール",
        "Webhook",
        "チャット通知",
        "項目の変更",
        "アンケート依頼",
        "オンボーディング計画",
        "オンボーディング開始",
        "アプリ内ガイドの表示",
        "プロダクト内のお知らせ",
    ]
    assert ACTION_KINDS["task"].tally_label.render("en") == "Tasks"


def test_describe_reads_the_payload_of_its_kind() -> None:
    payload = {"title": "Call", "due_date": "2026-04-03"}
    assert describe("task", payload, None, "en") == "task “Call” due 2026-04-03"


def test_a_kind_is_performed_or_delivered_not_both() -> None:
    with pytest.raises(TypeError):
        ActionKind(
            type="x",
            schema=TaskAction,
            label=ACTION_KINDS["task"].label,
            tally_label=ACTION_KINDS["task"].tally_label,
            plan=ACTION_KINDS["task"].plan,
            describe=ACTION_KINDS["task"].describe,
        )
