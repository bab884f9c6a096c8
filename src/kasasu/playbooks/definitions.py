"""Playbooks as data: read from YAML (or sent as JSON), checked, stored; the shipped library.

Every problem is named by its place: the line in the file and the field path, e.g.
``library.yaml:12 playbooks.0.trigger.type: unknown type "band_change"``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import resources
from typing import Any

import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.domain.rules import compile_rule
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import Message, _
from kasasu.kit.validation import pydantic_reason
from kasasu.kit.yaml_lines import line_of, node_tree
from kasasu.models import Playbook
from kasasu.playbooks.repository import PlaybookRepository, RunRepository
from kasasu.playbooks.schemas import PlaybookDefinition, PlaybookRead, WebhookAction
from kasasu.playbooks.templates import template_problems
from kasasu.segments.schemas import RULE_NAMES

LIBRARY = "library.yaml"

Loc = tuple[str | int, ...]


def default_library() -> list[PlaybookDefinition]:
    text = resources.files("kasasu.playbooks").joinpath(LIBRARY).read_text("utf-8")
    return parse_playbooks(text, LIBRARY)


def parse_playbooks(text: str, source: str) -> list[PlaybookDefinition]:
    """Playbooks from YAML: a list of them (or ``playbooks:`` holding the list)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"{source}:{mark.line + 1}" if mark else source
        problem = str(getattr(exc, "problem", None) or exc)
        raise InvalidInput(
            _("{where}: not valid YAML ({problem})", where=at, problem=problem)
        ) from exc
    prefix: Loc = ()
    if isinstance(data, dict) and "playbooks" in data:
        data, prefix = data["playbooks"], ("playbooks",)
    single = isinstance(data, dict) and "name" in data  # one playbook, not in a list
    data = [data] if single else data
    if not isinstance(data, list):
        raise InvalidInput(_("{source}: write a list of playbooks", source=source))
    tree = node_tree(text)

    def where(loc: Loc) -> str:
        return f"{source}:{line_of(tree, (*prefix, *(loc[1:] if single else loc)))}"

    errors, found = [], []
    for i, item in enumerate(data):
        problems = list(_problems(item))
        errors += [
            FieldError((where((i, *loc)), i, *loc), msg, value) for loc, msg, value in problems
        ]
        if not problems:
            found.append(PlaybookDefinition.model_validate(item))
    _refuse(errors, source)
    names = [p.name for p in found]
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        raise InvalidInput(
            _(
                "{source}: playbook names used twice: {names}",
                source=source,
                names=", ".join(doubled),
            )
        )
    return found


def validate_playbook(data: Any, where: str = "playbook") -> PlaybookDefinition:
    """One playbook sent as JSON (the API): problems named by their field path."""
    _refuse([FieldError((where, *loc), msg, value) for loc, msg, value in _problems(data)], where)
    return PlaybookDefinition.model_validate(data)


def _refuse(errors: list[FieldError], source: str) -> None:
    if errors:
        first = errors[0]
        raise InvalidInput(
            _(
                "{source}: the playbook is not valid — {where}: {reason}",
                source=source,
                where=f"{first.loc[0]} " + ".".join(str(p) for p in first.loc[1:]),
                reason=first.message,
            ),
            errors,
        )


def _problems(data: Any) -> Iterator[tuple[Loc, Message, Any]]:
    try:
        playbook = PlaybookDefinition.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            yield tuple(e["loc"]), _reason(e), e.get("input")
        return
    if playbook.when is not None:
        try:
            compile_rule(playbook.when, RULE_NAMES, where="when")
        except InvalidInput as exc:
            yield ("when",), exc.errors[0].message if exc.errors else exc.message, playbook.when
    for loc, problem in template_problems(playbook):
        yield loc, _("Template error: {problem}", problem=problem), None
    if any(
        isinstance(a, WebhookAction) and a.format == "slack" and a.text is None
        for a in playbook.actions
    ):
        yield ("actions",), _("A Slack webhook needs a text"), None


def _reason(error: Mapping[str, Any]) -> Message:
    if error.get("type") == "union_tag_invalid":
        context = error.get("ctx") or {}
        return _(
            "Unknown type {tag}; one of: {choices}",
            tag=context.get("tag", ""),
            choices=context.get("expected_tags", ""),
        )
    return pydantic_reason(error)


def save_playbook(session: Session, playbook: PlaybookDefinition) -> PlaybookRead:
    repo = PlaybookRepository(session)
    definition = playbook.model_dump(mode="json", exclude_none=True)
    row = repo.get_by_name(playbook.name)
    if row is None:
        row = repo.add(
            Playbook(name=playbook.name, enabled=playbook.enabled, definition=definition)
        )
    else:
        row.enabled, row.definition = playbook.enabled, definition
        session.flush()
    return _read(row, RunRepository(session).counts().get(row.id, 0))


def ensure_default_playbooks(session: Session) -> int:
    """Install the shipped library when no playbook exists yet; returns how many."""
    if PlaybookRepository(session).count():
        return 0
    library = default_library()
    for playbook in library:
        save_playbook(session, playbook)
    return len(library)


def list_playbooks(session: Session) -> list[PlaybookRead]:
    counts = RunRepository(session).counts()
    return [_read(row, counts.get(row.id, 0)) for row in PlaybookRepository(session).list_all()]


def get_playbook(session: Session, name: str) -> PlaybookRead:
    row = PlaybookRepository(session).get_by_name(name)
    if row is None:
        raise NotFound(_("Playbook {name} not found", name=name))
    return _read(row, RunRepository(session).counts().get(row.id, 0))


def enabled_playbooks(session: Session) -> list[tuple[int, PlaybookDefinition]]:
    return [
        (row.id, PlaybookDefinition.model_validate(row.definition))
        for row in PlaybookRepository(session).list_all()
        if row.enabled
    ]


def _read(row: Playbook, runs: int) -> PlaybookRead:
    return PlaybookRead(name=row.name, enabled=row.enabled, definition=row.definition, runs=runs)
