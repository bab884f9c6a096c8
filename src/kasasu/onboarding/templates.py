"""Onboarding plan templates as data: read from YAML or JSON, validated, stored as numbered
versions (as scorecards are), and chosen for an account."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any, NamedTuple

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountRead
from kasasu.domain.account_fields import KPI_FILTERS
from kasasu.domain.checked import load_yaml, validated
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.kit.types import LocalText, local_text
from kasasu.models import OnboardingTemplate, OnboardingTemplateVersion
from kasasu.onboarding.schemas import StepLink, TemplateDefinition, TemplateRead
from kasasu.onboarding.template_repository import TemplateRepository
from kasasu.segments.service import current_members

# The templates Kasasu ships (docs/onboarding.md): one for every account, one for Enterprise.
SHIPPED = ("standard", "enterprise")


def shipped_file(name: str) -> str:
    folder = resources.files("kasasu.onboarding").joinpath("templates")
    return folder.joinpath(f"{name}.yaml").read_text("utf-8")


def parse_template(text: str, source: str) -> TemplateDefinition:
    """A template from YAML (JSON is YAML too); every problem named by its path."""
    return validate_template(load_yaml(text, source), source)


def validate_template(data: Any, source: str) -> TemplateDefinition:
    refusal = _("{source}: the onboarding template is not valid", source=source)
    template = validated(TemplateDefinition, data, refusal)
    problems = _problems(template)
    if problems:
        raise InvalidInput(refusal, problems)
    return template


def _problems(template: TemplateDefinition) -> list[FieldError]:
    """What pydantic's shapes cannot say: known account fields, one key per step, one step
    of first value at most."""
    errors = [
        FieldError(("applies_to", key), _("Not one of: {choices}", choices=", ".join(KPI_FILTERS)))
        for key in template.applies_to
        if key not in KPI_FILTERS
    ]
    seen: set[str] = set()
    first_values = 0
    for s, stage in enumerate(template.stages):
        for i, step in enumerate(stage.steps):
            where = ("stages", s, "steps", i)
            if step.key in seen:
                errors.append(FieldError((*where, "key"), _("Used twice"), step.key))
            seen.add(step.key)
            first_values += step.first_value
            if step.first_value and first_values > 1:
                reason = _("Only one step marks first value")
                errors.append(FieldError((*where, "first_value"), reason, step.first_value))
    return errors


def save_template(session: Session, template: TemplateDefinition) -> TemplateRead:
    """Store ``template`` as a new version of its name, unless it equals the latest one."""
    repo = TemplateRepository(session)
    definition = template.model_dump(mode="json")
    row = repo.get_by_name(template.name)
    if row is None:
        row = repo.add(
            OnboardingTemplate(
                name=template.name, applies_to=template.applies_to, priority=template.priority
            )
        )
    row.applies_to, row.priority = template.applies_to, template.priority
    latest = repo.latest_version(row.id)
    if latest is not None and latest.definition == definition:
        return _read(row.name, latest)
    version = OnboardingTemplateVersion(
        template_id=row.id, version=(latest.version + 1) if latest else 1, definition=definition
    )
    session.add(version)
    session.flush()
    return _read(row.name, version)


def ensure_shipped_templates(session: Session) -> None:
    """Install the shipped templates where there are none yet (a new installation); an
    installation that has some is never added to behind its back."""
    if not TemplateRepository(session).list_latest():
        for name in SHIPPED:
            save_template(session, parse_template(shipped_file(name), f"{name}.yaml"))


def list_templates(session: Session) -> list[TemplateRead]:
    """Every template's latest version, by priority (the shipped ones on a new
    installation)."""
    repo = TemplateRepository(session)
    found = repo.list_latest()
    if not found:
        ensure_shipped_templates(session)
        found = repo.list_latest()
    return [_read(t.name, v) for t, v in found]


def get_template(session: Session, name: str) -> TemplateRead:
    return _read(name, latest_version(session, name))


def latest_version(session: Session, name: str) -> OnboardingTemplateVersion:
    repo = TemplateRepository(session)
    row = repo.get_by_name(name)
    latest = repo.latest_version(row.id) if row else None
    if latest is None:
        raise NotFound(_("Onboarding template {name} not found", name=name))
    return latest


def latest_definitions(session: Session) -> list[tuple[int, TemplateDefinition]]:
    """(version id, definition) of every template's latest version, by priority."""
    return [
        (version.id, TemplateDefinition.model_validate(version.definition))
        for _row, version in TemplateRepository(session).list_latest()
    ]


def template_for(session: Session, account: AccountRead) -> OnboardingTemplateVersion | None:
    """The latest version of the first template (by priority) that applies to ``account``."""
    for version_id, template in latest_definitions(session):
        if _applies(session, template, account):
            return TemplateRepository(session).version(version_id)
    return None


def _applies(session: Session, template: TemplateDefinition, account: AccountRead) -> bool:
    fields = template.fields_match(account.model_dump())
    if not fields or template.segment is None:
        return fields
    return account.id in current_members(session, template.segment)


class StoredStep(NamedTuple):
    title: LocalText | str
    stage_title: LocalText | str
    links: list[StepLink]


def stored_steps(definition: Mapping[str, Any]) -> dict[str, StoredStep]:
    """Each step of a stored version by key, read as stored: a version kept from an older
    schema, or written around the checks, still shows (and the pages make a link only of
    a web address)."""
    found = {}
    for stage in _items(definition.get("stages")):
        for step in _items(stage.get("steps")):
            links = [
                StepLink(title=stored_text(link.get("title") or link.get("url")), url=url)
                for link in _items(step.get("links"))
                if isinstance(url := link.get("url"), str)
            ]
            stage_title = stored_text(stage.get("title"))
            found[str(step.get("key"))] = StoredStep(
                stored_text(step.get("title")), stage_title, links
            )
    return found


def stored_text(text: Any) -> LocalText | str:
    """A title as stored: ``{ja, en}`` or one text for both."""
    if isinstance(text, Mapping):
        try:
            return LocalText.model_validate(text)
        except ValidationError:
            return local_text(text, "en")
    return "" if text is None else str(text)


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def _read(name: str, version: OnboardingTemplateVersion) -> TemplateRead:
    return TemplateRead(
        name=name,
        version=version.version,
        created_at=version.created_at,
        definition=version.definition,
    )
