"""Scorecards as data: read from YAML or JSON, validated, stored as numbered versions."""

from __future__ import annotations

from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from kasasu.domain.checked import load_yaml, validated
from kasasu.domain.scoring import Scorecard
from kasasu.errors import InvalidInput, NotFound
from kasasu.health.repository import ScorecardRepository
from kasasu.health.schemas import ScorecardDefinition, ScorecardRead, check_definition
from kasasu.kit.i18n import _
from kasasu.models import Scorecard as ScorecardRow
from kasasu.models import ScorecardVersion

DEFAULT_NAME = "default"
# The cards Kasasu ships (docs/health.md): one for every account, and one per lifecycle stage
# whose accounts the default card would judge on the wrong things.
SHIPPED = (DEFAULT_NAME, "onboarding", "adoption")


def shipped_file(name: str) -> str:
    """The YAML text of the shipped card ``name``."""
    return resources.files("kasasu.health").joinpath(f"{name}_scorecard.yaml").read_text("utf-8")


def shipped_definition(name: str) -> ScorecardDefinition:
    return parse_scorecard(shipped_file(name), f"{name}_scorecard.yaml")


def default_definition() -> ScorecardDefinition:
    return shipped_definition(DEFAULT_NAME)


def parse_scorecard(text: str, source: str) -> ScorecardDefinition:
    """A scorecard from YAML (JSON is YAML too); every problem named by its path."""
    return validate_scorecard(load_yaml(text, source), source)


def validate_scorecard(data: Any, source: str) -> ScorecardDefinition:
    refusal = _("{source}: the scorecard is not valid", source=source)
    card = validated(ScorecardDefinition, data, refusal)
    problems = check_definition(card)
    if problems:
        raise InvalidInput(refusal, problems)
    return card


def save_scorecard(session: Session, card: ScorecardDefinition) -> ScorecardRead:
    """Store ``card`` as a new version of its name, unless it equals the latest one."""
    repo = ScorecardRepository(session)
    definition = card.model_dump(mode="json")
    row = repo.get_by_name(card.name)
    if row is None:
        row = repo.add(
            ScorecardRow(name=card.name, applies_to=card.applies_to, priority=card.priority)
        )
    row.applies_to, row.priority = card.applies_to, card.priority
    latest = repo.latest_version(row.id)
    if latest is not None and latest.definition == definition:
        return _read(row, latest)
    version = ScorecardVersion(
        scorecard_id=row.id, version=(latest.version + 1) if latest else 1, definition=definition
    )
    session.add(version)
    session.flush()
    return _read(row, version)


def ensure_default_scorecard(session: Session) -> None:
    """Install the shipped scorecards where there are none yet (a new installation), else
    the default one unless a card already applies to every account, so no account goes
    unscored (cards for segments alone do not cover the others). Cards of an installation
    that already has some are never added to behind its back."""
    cards = ScorecardRepository(session).list_latest()
    if not cards:
        for name in SHIPPED:
            save_scorecard(session, shipped_definition(name))
    elif not any(not card.applies_to for card, _version in cards):
        save_scorecard(session, default_definition())


def list_scorecards(session: Session) -> list[ScorecardRead]:
    return [_read(card, version) for card, version in ScorecardRepository(session).list_latest()]


def get_scorecard(session: Session, name: str) -> ScorecardRead:
    repo = ScorecardRepository(session)
    row = repo.get_by_name(name)
    latest = repo.latest_version(row.id) if row else None
    if row is None or latest is None:
        raise NotFound(_("Scorecard {name} not found", name=name))
    return _read(row, latest)


def active_scorecards(session: Session) -> list[tuple[int, Scorecard]]:
    """(version id, scorecard) of every card's latest version, in the order they are tried."""
    return [
        (version.id, ScorecardDefinition.model_validate(version.definition).to_domain())
        for _card, version in ScorecardRepository(session).list_latest()
    ]


def _read(row: ScorecardRow, version: ScorecardVersion) -> ScorecardRead:
    return ScorecardRead(
        name=row.name,
        version=version.version,
        created_at=version.created_at,
        definition=version.definition,
    )
