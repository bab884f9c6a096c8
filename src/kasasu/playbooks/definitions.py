"""Playbooks as data: read from YAML (or sent as JSON), checked, stored; the shipped library.

Every problem is named by its place: the line in the file and the field path, e.g.
``library.yaml:12 playbooks.0.trigger.type: unknown type "band_change"``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from importlib import resources
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.domain.checked import load_yaml
from kasasu.domain.rules import compile_rule
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import Message, _
from kasasu.kit.net import Unresolvable, UnsafeTarget, resolve_target
from kasasu.kit.validation import pydantic_reason
from kasasu.kit.yaml_lines import line_of, node_tree
from kasasu.models import Playbook
from kasasu.playbooks.action_schemas import WebhookAction
from kasasu.playbooks.repository import PlaybookRepository, RunRepository
from kasasu.playbooks.schemas import PlaybookDefinition, PlaybookRead
from kasasu.playbooks.templates import template_problems
from kasasu.segments.schemas import RULE_NAMES, RefreshProblem
from kasasu.segments.service import refresh_problem

LIBRARY = "library.yaml"

Loc = tuple[str | int, ...]


def default_library() -> list[PlaybookDefinition]:
    text = resources.files("kasasu.playbooks").joinpath(LIBRARY).read_text("utf-8")
    return parse_playbooks(text, LIBRARY)


def parse_playbooks(
    text: str, source: str, webhook_hosts: frozenset[str] | None = None
) -> list[PlaybookDefinition]:
    """Playbooks from YAML: a list of them (or ``playbooks:`` holding the list). With
    ``webhook_hosts``, webhook URLs are resolved and internal targets not listed refused."""
    data = load_yaml(text, source)
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
        problems = list(_problems(item, webhook_hosts))
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


def validate_playbook(
    data: Any, where: str = "playbook", webhook_hosts: frozenset[str] | None = None
) -> PlaybookDefinition:
    """One playbook sent as JSON (the API): problems named by their field path."""
    problems = _problems(data, webhook_hosts)
    _refuse([FieldError((where, *loc), msg, value) for loc, msg, value in problems], where)
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


def _problems(
    data: Any, webhook_hosts: frozenset[str] | None
) -> Iterator[tuple[Loc, Message, Any]]:
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
    if webhook_hosts is not None:
        yield from _webhook_problems(playbook, webhook_hosts)


def _webhook_problems(
    playbook: PlaybookDefinition, webhook_hosts: frozenset[str]
) -> Iterator[tuple[Loc, Message, Any]]:
    """Webhook URLs that resolve to an internal address not allowed (checked again at each
    delivery; a name that does not resolve yet is left to that check)."""
    for i, action in enumerate(playbook.actions):
        if not isinstance(action, WebhookAction) or action.url == "slack":
            continue
        try:
            resolve_target(action.url, webhook_hosts)
        except Unresolvable:
            continue
        except UnsafeTarget as exc:
            reason = _(
                "Webhooks may not go to {reason} (allow it in KASASU_PLAYBOOKS__WEBHOOK_HOSTS)",
                reason=exc.reason,
            )
            yield ("actions", i, "url"), reason, action.url


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
        row.enabled, row.definition, row.problem = playbook.enabled, definition, None
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


def set_enabled(session: Session, name: str, enabled: bool) -> PlaybookRead:
    """Switch a playbook on or off; its definition says the same (YAML shows it)."""
    row = PlaybookRepository(session).get_by_name(name)
    if row is None:
        raise NotFound(_("Playbook {name} not found", name=name))
    row.enabled, row.definition = enabled, {**row.definition, "enabled": enabled}
    session.flush()
    return _read(row, RunRepository(session).counts().get(row.id, 0))


def list_playbooks(session: Session) -> list[PlaybookRead]:
    counts = RunRepository(session).counts()
    return [_read(row, counts.get(row.id, 0)) for row in PlaybookRepository(session).list_all()]


def get_playbook(session: Session, name: str) -> PlaybookRead:
    row = PlaybookRepository(session).get_by_name(name)
    if row is None:
        raise NotFound(_("Playbook {name} not found", name=name))
    return _read(row, RunRepository(session).counts().get(row.id, 0))


def enabled_playbooks(
    session: Session, problems: dict[str, Exception] | None = None, *, disabled_too: bool = False
) -> list[tuple[int, PlaybookDefinition]]:
    """The enabled playbooks (``disabled_too``: every one, for a dry run); one stored before
    a check it now fails (its definition no longer valid) is left out, and put in
    ``problems`` under its name."""
    found = []
    for row in PlaybookRepository(session).list_all():
        if not (row.enabled or disabled_too):
            continue
        try:
            found.append((row.id, PlaybookDefinition.model_validate(row.definition)))
        except ValidationError as exc:
            if problems is not None:
                problems[row.name] = exc
    return found


def note_problems(
    session: Session, day: date, checked: set[str], problems: dict[str, Exception]
) -> None:
    """Keep on each playbook why the run of ``day`` skipped it; clear it on those that ran."""
    for row in PlaybookRepository(session).list_all():
        if row.name in problems:
            row.problem = refresh_problem(day, problems[row.name])
        elif row.name in checked and row.problem is not None:
            row.problem = None
    session.flush()


def _read(row: Playbook, runs: int) -> PlaybookRead:
    return PlaybookRead(
        name=row.name,
        enabled=row.enabled,
        definition=row.definition,
        runs=runs,
        problem=RefreshProblem.model_validate(row.problem) if row.problem else None,
    )
