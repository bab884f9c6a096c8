"""Playbook YAML: the shipped library is valid; every bad file is refused naming the line
and the field, and nothing is stored."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from kasasu.errors import InvalidInput
from kasasu.playbooks.definitions import (
    default_library,
    ensure_default_playbooks,
    parse_playbooks,
    validate_playbook,
)
from kasasu.playbooks.service import list_playbooks, save_playbook

GOOD = """\
- name: red
  title: {ja: 赤, en: Red}
  trigger: {type: band_changed, to: red}
  actions:
    - type: task
      title: "{{ account.name }}"
"""


def _error(text: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        parse_playbooks(text, "mine.yaml")
    return caught.value


def test_the_default_library_has_every_playbook_the_issue_lists() -> None:
    names = {p.name for p in default_library()}
    assert names == {
        "onboarding-follow-up",
        "new-account-onboarding",
        "usage-drop",
        "red-account",
        "renewal-90",
        "renewal-60",
        "renewal-30",
        "detractor-recovery",
        "promoter-advocacy",
        "upsell-candidate",
        "tech-touch-digest",
    }


def test_a_good_file_parses() -> None:
    (playbook,) = parse_playbooks(GOOD, "mine.yaml")
    assert playbook.trigger.type == "band_changed"
    assert playbook.cooldown_days == 7


def test_unknown_trigger_names_line_and_field() -> None:
    error = _error(GOOD.replace("band_changed", "band_change"))
    (field,) = error.errors
    assert field.loc[0] == "mine.yaml:3"
    assert field.loc[1:3] == (0, "trigger")
    assert "band_change" in field.message.render("en")
    assert "mine.yaml:3 0.trigger" in error.message.render("en")


def test_bad_condition_names_its_line_and_column() -> None:
    text = GOOD.replace("  actions:", "  when: mrr >> 5\n  actions:")
    (field,) = _error(text).errors
    assert field.loc == ("mine.yaml:4", 0, "when")
    assert "column" in field.message.render("en")
    assert "列" in field.message.render("ja")


def test_missing_template_variable_names_line_and_field() -> None:
    (field,) = _error(GOOD.replace("account.name", "acount.name")).errors
    assert field.loc == ("mine.yaml:6", 0, "actions", 0, "title")
    assert "acount" in field.message.render("en")


def test_unknown_account_attribute_in_one_language_is_found() -> None:
    text = GOOD.replace('title: "{{ account.name }}"', 'title: {ja: "{{ account.nam }}", en: ok}')
    (field,) = _error(text).errors
    assert field.loc == ("mine.yaml:6", 0, "actions", 0, "title", "ja")


def test_yaml_syntax_error_names_the_line() -> None:
    error = _error(GOOD + "  - : [\n")
    assert "mine.yaml:7" in error.message.render("en")  # GOOD has six lines


def test_missing_field_and_slack_without_text() -> None:
    text = """\
- name: hook
  title: Hook
  trigger: {type: schedule, every: month}
  actions:
    - {type: webhook, url: "https://example.com/x", format: slack}
- title: no name
  trigger: {type: schedule, every: day}
  actions: [{type: task, title: x}]
"""
    locs = {e.loc for e in _error(text).errors}
    assert ("mine.yaml:5", 0, "actions") in locs
    assert ("mine.yaml:6", 1, "name") in locs


def test_api_definitions_are_checked_the_same_way() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_playbook({"name": "x", "title": "x", "trigger": {"type": "nope"}, "actions": []})
    locs = {e.loc for e in caught.value.errors}
    assert ("playbook", "trigger") in locs
    assert ("playbook", "actions") in locs


def test_library_is_installed_once_and_saving_replaces(session: Session) -> None:
    assert ensure_default_playbooks(session) == 11
    assert ensure_default_playbooks(session) == 0
    (mine,) = parse_playbooks(GOOD.replace("name: red", "name: red-account"), "mine.yaml")
    save_playbook(session, mine)
    stored = {p.name: p for p in list_playbooks(session)}
    assert len(stored) == 11
    assert stored["red-account"].definition["actions"] == [
        {
            "type": "task",
            "title": "{{ account.name }}",
            "checklist": [],
            "due_in_days": 3,
            "priority": "normal",
        }
    ]


def test_one_playbook_without_a_list_and_reserved_names() -> None:
    single = "\n".join(line[2:] for line in GOOD.splitlines())  # the mapping, unindented
    assert [p.name for p in parse_playbooks(single, "one.yaml")] == ["red"]
    (field,) = _error(GOOD.replace("name: red", "name: log")).errors
    assert field.loc == ("mine.yaml:1", 0, "name")
