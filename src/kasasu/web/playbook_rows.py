"""Playbooks as the pages show them: titles in the reader's language, the trigger and its
parameters in words, action kinds and run statuses labelled, YAML problems by line."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import ValidationError

from kasasu.errors import InvalidInput
from kasasu.kit.i18n import _
from kasasu.kit.types import local_text
from kasasu.playbooks.actions import ACTION_KINDS
from kasasu.playbooks.schemas import PlaybookDefinition
from kasasu.playbooks.triggers import trigger_words

STATUSES = ("done", "failed", "running", "pending", "skipped")
_STATUS_LABELS = {
    "done": _("done"),
    "failed": _("failed"),
    "running": _("running"),
    "pending": _("pending"),
    "skipped": _("skipped"),
    "planned": _("planned"),
}


SOURCE = "playbooks.yaml"  # what pasted playbook YAML is called in its errors


@dataclass(frozen=True)
class PlaybookRow:
    name: str
    title: str
    description: str | None
    trigger: str
    when: str | None
    cooldown_days: int
    actions: list[str]
    enabled: bool
    runs: int | None  # None in a preview of pasted YAML
    problem: str | None = None  # why the latest run skipped it


@dataclass(frozen=True)
class Problem:
    """One YAML mistake: its line in the pasted text (if known), field path and reason."""

    line: int | None
    field: str
    reason: str


def playbook_row(
    definition: Mapping[str, Any],
    locale: str,
    runs: int | None,
    problem: Mapping[str, Any] | None = None,
) -> PlaybookRow:
    return PlaybookRow(
        name=str(definition["name"]),
        title=local_text(definition.get("title"), locale),
        description=local_text(definition.get("description"), locale) or None,
        trigger=trigger_words(definition.get("trigger") or {}, locale),
        when=definition.get("when"),
        cooldown_days=int(definition.get("cooldown_days", 7)),
        actions=[kind_label(a.get("type", ""), locale) for a in definition.get("actions", [])],
        enabled=bool(definition.get("enabled", True)),
        runs=runs,
        problem=str(problem[locale]) if problem else None,
    )


def definition_yaml(definition: Mapping[str, Any]) -> str:
    """As a list of one, the form ``kasasu playbooks load`` and the page's form read; keys
    in the schema's order (PostgreSQL's JSONB keeps its own)."""
    try:
        ordered = PlaybookDefinition.model_validate(definition).model_dump(
            mode="json", exclude_none=True
        )
    except ValidationError:  # stored under an older schema: shown as it is
        ordered = dict(definition)
    return yaml.safe_dump([ordered], allow_unicode=True, sort_keys=False)


def kind_label(kind: str, locale: str) -> str:
    found = ACTION_KINDS.get(kind)
    return found.label.render(locale) if found else kind


def status_labels(locale: str) -> dict[str, str]:
    return {code: label.render(locale) for code, label in _STATUS_LABELS.items()}


def yaml_problems(error: InvalidInput, locale: str) -> list[Problem]:
    """``parse_playbooks``'s errors, whose first place is "source:line" and then the
    playbook's index and the field path."""
    problems = []
    for e in error.errors:
        where, *path = e.loc
        _source, _colon, line = str(where).rpartition(":")
        field = ".".join(str(p) for p in path[1:]) or "—"
        problems.append(
            Problem(int(line) if line.isdigit() else None, field, e.message.render(locale))
        )
    return problems
