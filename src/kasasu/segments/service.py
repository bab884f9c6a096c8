"""Segments: saved rules, and who is in them after each refresh (with the history)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.domain.rules import Rule, compile_rule
from kasasu.errors import FieldError, InvalidInput, KasasuError, NotFound
from kasasu.kit.i18n import LOCALES, Message, _
from kasasu.kit.validation import pydantic_reason
from kasasu.models import Segment
from kasasu.segments.repository import MemberRepository, SegmentRepository
from kasasu.segments.schemas import (
    RULE_NAMES,
    RefreshProblem,
    SegmentChange,
    SegmentDefinition,
    SegmentMemberRow,
    SegmentMembersPage,
    SegmentRead,
    rule_values,
)

log = logging.getLogger("kasasu.refresh")


def validate_segment(data: Any, where: str) -> SegmentDefinition:
    try:
        segment = SegmentDefinition.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError((where, *e["loc"]), pydantic_reason(e), e.get("input")) for e in exc.errors()
        ]
        raise InvalidInput(_("{where}: the segment is not valid", where=where), errors) from exc
    compile_rule(segment.rule, RULE_NAMES, where=f"{where}.rule")
    return segment


def save_segment(session: Session, data: SegmentDefinition) -> SegmentRead:
    compile_rule(data.rule, RULE_NAMES, where="rule")
    repo = SegmentRepository(session)
    row = repo.get_by_name(data.name)
    if row is None:
        row = repo.add(Segment(name=data.name, rule=data.rule, description=data.description))
    else:
        row.rule, row.description, row.problem = data.rule, data.description, None
        session.flush()
    return _read(row, repo.open_counts().get(row.id, 0))


def list_segments(session: Session) -> list[SegmentRead]:
    repo = SegmentRepository(session)
    counts = repo.open_counts()
    return [_read(row, counts.get(row.id, 0)) for row in repo.list_all()]


def get_segment(session: Session, name: str) -> SegmentRead:
    row = _segment(session, name)
    return _read(row, SegmentRepository(session).open_counts().get(row.id, 0))


def segment_members(session: Session, name: str, day: date) -> list[int]:
    return MemberRepository(session).members_on(_segment(session, name).id, day)


def current_members(session: Session, name: str) -> set[int]:
    """Who is in the segment since the latest refresh (the stays not ended)."""
    return set(MemberRepository(session).open_members(_segment(session, name).id))


def segments_of(session: Session, account_id: int) -> set[str]:
    """The names of the segments the account is in since the latest refresh."""
    return MemberRepository(session).names_of(account_id)


def segment_member_page(session: Session, name: str, day: date, limit: int) -> SegmentMembersPage:
    """Who was in the segment on ``day``: the first ``limit`` accounts by name, and all."""
    segment_id, members = _segment(session, name).id, MemberRepository(session)
    rows = [
        SegmentMemberRow(account_id=a, name=n, owner_id=o)
        for a, n, o in members.accounts_on(segment_id, day, limit)
    ]
    return SegmentMembersPage(as_of=day, total=members.count_on(segment_id, day), members=rows)


def segment_history(session: Session, name: str, limit: int) -> list[SegmentChange]:
    """The latest ``limit`` entries and exits, newest first."""
    changes = MemberRepository(session).changes(_segment(session, name).id, limit)
    return [
        SegmentChange(as_of=day, entered=entered, account_id=a, account_name=n)
        for day, entered, a, n in changes
    ]


def _segment(session: Session, name: str) -> Segment:
    row = SegmentRepository(session).get_by_name(name)
    if row is None:
        raise NotFound(_("Segment {name} not found", name=name))
    return row


def assign_segments(
    session: Session,
    day: date,
    features: Sequence[tuple[int, Mapping[str, Any]]],
    accounts: Mapping[int, Mapping[str, Any]],
    health: Mapping[int, Mapping[str, Any]],
) -> dict[str, int]:
    """Evaluate every segment's rule for the accounts with features on ``day``; record who
    entered and who left. A re-run for the same day gives the same history. Returns the
    members per segment."""
    values = {
        account_id: _plain(rule_values(accounts[account_id], feats, health.get(account_id, {})))
        for account_id, feats in features
    }
    result = {}
    for segment in SegmentRepository(session).list_all():
        try:
            rule: Rule = compile_rule(segment.rule, RULE_NAMES, where=segment.name)
            inside = {a for a, v in values.items() if rule.matches(v)}
        except Exception as exc:  # noqa: BLE001 - one bad segment never stops the refresh
            segment.problem = refresh_problem(day, exc)
            log.warning("refresh %s: segment %s skipped: %s", day, segment.name, exc)
            continue
        segment.problem = None
        _record(MemberRepository(session), segment.id, inside, day)
        result[segment.name] = len(inside)
    session.flush()
    return result


def refresh_problem(day: date, error: Exception) -> dict[str, Any]:
    """Why the refresh of ``day`` skipped something, in both languages, to store on it."""
    reason: Message | str = (
        error.message if isinstance(error, KasasuError) else f"{type(error).__name__}: {error}"
    )
    message = _("Skipped by the refresh of {day}: {reason}", day=day.isoformat(), reason=reason)
    return {"day": day.isoformat(), **{locale: message.render(locale) for locale in LOCALES}}


def _record(members: MemberRepository, segment_id: int, inside: set[int], day: date) -> None:
    reopened = set(members.reopen(segment_id, sorted(inside), day))
    current = members.open_members(segment_id)
    gone = [m for a, m in current.items() if a not in inside]
    members.forget([m.id for m in gone if m.entered_on == day])
    members.leave([m.id for m in gone if m.entered_on != day], day)
    members.enter(segment_id, sorted(inside - set(current) - reopened), day)


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """Enum members (touch model) as their codes, as a rule writes them."""
    return {k: getattr(v, "value", v) for k, v in values.items()}


def _read(row: Segment, members: int) -> SegmentRead:
    return SegmentRead(
        id=row.id,
        name=row.name,
        rule=row.rule,
        description=row.description,
        members=members,
        problem=RefreshProblem.model_validate(row.problem) if row.problem else None,
    )
