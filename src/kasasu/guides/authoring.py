"""Writing guides: a draft its author edits (web form, YAML, API), checked before it is
published as a numbered version; users only ever see a published version, and pausing hides
it without losing it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kasasu.domain.checked import load_yaml, validated
from kasasu.domain.choices import GuideKind
from kasasu.errors import Conflict, FieldError, InvalidInput, NotFound
from kasasu.guides.repository import EnvironmentRepository, GuideRepository
from kasasu.guides.schemas import ANCHORED, GuideDefinition, GuideRead, GuideWrite
from kasasu.kit.i18n import _
from kasasu.models import Guide, GuideVersion
from kasasu.segments.service import list_segments
from kasasu.surveys.campaigns import list_campaigns

# Kinds whose content comes from elsewhere (the account's onboarding steps): no steps needed.
STEPLESS = frozenset({GuideKind.CHECKLIST, GuideKind.SURVEY})


def parse_guides(text: str, source: str, environment: str | None = None) -> list[GuideWrite]:
    """Guides written in YAML (or JSON), one or a list: key, name, kind, environment and
    definition; ``environment`` fills it in where a guide names none."""
    data = load_yaml(text, source)
    items = data if isinstance(data, list) else [data]
    return [
        validated(
            GuideWrite,
            {"environment": environment, **item}
            if environment and isinstance(item, dict)
            else item,
            _("The guide is not valid"),
        )
        for item in items
    ]


def create_guide(session: Session, data: GuideWrite) -> GuideRead:
    repo = GuideRepository(session)
    if repo.by_key(data.key) is not None:
        raise Conflict(_("A guide with the key {key} exists already", key=data.key))
    env = _environment(session, data.environment)
    guide = repo.add(
        Guide(
            key=data.key,
            name=data.name,
            kind=data.kind,
            environment_id=env,
            draft=data.definition.model_dump(mode="json"),
        )
    )
    return _read(session, guide, data.environment)


def save_draft(
    session: Session, key: str, definition: GuideDefinition, name: str | None = None
) -> GuideRead:
    """The draft replaced: nothing a user sees changes until it is published."""
    guide = _guide(session, key)
    guide.draft = definition.model_dump(mode="json")
    if name:
        guide.name = name
    session.flush()
    return get_guide(session, key)


def publish(session: Session, key: str, *, by: int | None, now: datetime) -> GuideRead:
    """The draft as the next version, live for its targeted users (refused with every
    problem named when it could not show)."""
    guide = _guide(session, key)
    definition = GuideDefinition.model_validate(guide.draft)
    _check_publishable(session, guide.kind, definition)
    repo = GuideRepository(session)
    number = (guide.published_version or 0) + 1
    repo.session.add(
        GuideVersion(
            guide_id=guide.id,
            version=number,
            definition=guide.draft,
            published_at=now,
            published_by=by,
        )
    )
    guide.published_version = number
    guide.paused = False
    guide.updated_at = now  # the live guides' stamp moves: caches read them again
    session.flush()
    return get_guide(session, key)


def set_paused(session: Session, key: str, *, paused: bool, now: datetime) -> GuideRead:
    guide = _guide(session, key)
    guide.paused = paused
    guide.updated_at = now
    session.flush()
    return get_guide(session, key)


def list_guides(session: Session) -> list[GuideRead]:
    return [
        _shown(guide, env, version) for guide, env, version in GuideRepository(session).listed()
    ]


def get_guide(session: Session, key: str) -> GuideRead:
    guide = _guide(session, key)
    env = EnvironmentRepository(session).get(guide.environment_id)
    return _read(session, guide, env.name if env else "")


def guide_keys(session: Session) -> dict[str, int]:
    """Key → id of every guide (what playbooks and templates may name)."""
    return {guide.key: guide.id for guide, _env, _version in GuideRepository(session).listed()}


def _check_publishable(session: Session, kind: GuideKind, definition: GuideDefinition) -> None:
    errors: list[FieldError] = []
    if kind not in STEPLESS and not definition.steps:
        errors.append(FieldError(("steps",), _("Add at least one step"), None))
    if kind in ANCHORED:
        errors.extend(
            FieldError(("steps", i, "selector"), _("Pick the element this step points at"), None)
            for i, step in enumerate(definition.steps)
            if not step.selector
        )
    if kind is GuideKind.SURVEY:
        campaigns = {c.name: c for c in list_campaigns(session)}
        found = campaigns.get(definition.survey or "")
        if found is None or not found.channel_widget:
            errors.append(
                FieldError(
                    ("survey",),
                    _("Name a survey campaign open to the in-app widget"),
                    definition.survey,
                )
            )
    known = {s.name for s in list_segments(session)}
    errors.extend(
        FieldError(("targeting", "segments"), _("No segment named {name}", name=name), name)
        for name in definition.targeting.segments
        if name not in known
    )
    if errors:
        raise InvalidInput(_("The guide cannot be published yet"), errors)


def _environment(session: Session, name: str) -> int:
    for env in EnvironmentRepository(session).listed():
        if env.name == name:
            return env.id
    raise InvalidInput(
        _("No SDK environment named {name}", name=name),
        [FieldError(("environment",), _("Unknown environment"), name)],
    )


def _guide(session: Session, key: str) -> Guide:
    guide = GuideRepository(session).by_key(key)
    if guide is None:
        raise NotFound(_("No guide with the key {key}", key=key))
    return guide


def _read(session: Session, guide: Guide, environment: str) -> GuideRead:
    version = (
        GuideRepository(session).version(guide.id, guide.published_version)
        if guide.published_version is not None
        else None
    )
    return _shown(guide, environment, version.definition if version else None)


def _shown(guide: Guide, environment: str, published: dict[str, Any] | None) -> GuideRead:
    return GuideRead(
        id=guide.id,
        key=guide.key,
        name=guide.name,
        kind=guide.kind,
        environment=environment,
        draft=GuideDefinition.model_validate(guide.draft),
        published_version=guide.published_version,
        published=GuideDefinition.model_validate(published) if published else None,
        paused=guide.paused,
        updated_at=guide.updated_at,
    )
