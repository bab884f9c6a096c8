"""Segment's calls applied to Kasasu: ``group`` makes or finds the account (by the source's
own id for it) and ties the user to it; ``identify`` keeps the user's traits and makes or
updates the contact once its account is known; ``track``, ``page`` and ``screen`` land in
the event store on the user's account (``context.groupId`` where the call says it), by
``messageId`` so a call sent twice is stored once. A call that cannot be applied is
skipped and said, with its messageId; the others of the batch are applied."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountCreate
from kasasu.accounts.service import account_ids, accounts, find_account_by_source, set_external_id
from kasasu.contacts.schemas import ContactCreate, ContactUpdate
from kasasu.contacts.service import contacts
from kasasu.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from kasasu.events.schemas import MAX_PROPERTIES_BYTES
from kasasu.events.service import compact_json, ingest_columns
from kasasu.intake.repository import SourceRepository
from kasasu.intake.schemas import IntakeResult, SegmentCall, Skipped, SourceMade, SourceRead
from kasasu.kit.i18n import _
from kasasu.models import EventSource, SourceUser

EVENT_CALLS = ("track", "page", "screen")
KEY_PREFIX = "wk_"


def make_source(session: Session, name: str) -> SourceMade:
    """A new source and its write key (shown this once)."""
    name = name.strip()
    if not name or len(name) > 40:
        raise InvalidInput(_("A source's name has 1 to 40 characters"))
    repo = SourceRepository(session)
    if repo.by_name(name) is not None:
        raise Conflict(_("A source named {name} exists already", name=name))
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    row = repo.add(EventSource(name=name, key_hash=_hash(key), key_hint=key[:10]))
    return SourceMade(source=SourceRead.model_validate(row), write_key=key)


def list_sources(session: Session) -> list[SourceRead]:
    return [SourceRead.model_validate(s) for s in SourceRepository(session).all()]


def revoke_source(session: Session, name: str) -> SourceRead:
    """The source's key stops working at once; what it sent stays."""
    row = SourceRepository(session).by_name(name)
    if row is None:
        raise NotFound(_("No source named {name}", name=name))
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        session.flush()
    return SourceRead.model_validate(row)


def source_for_key(session: Session, key: str | None) -> EventSource:
    """The source whose write key this is; Unauthenticated for no key, an unknown one or a
    revoked one (one answer for all three)."""
    row = SourceRepository(session).by_hash(_hash(key)) if key else None
    if row is None or row.revoked_at is not None:
        raise Unauthenticated(_("Unknown or revoked write key"))
    return row


def accept_calls(
    session: Session, events_path: Path, source: EventSource, calls: Sequence[SegmentCall]
) -> IntakeResult:
    repo = SourceRepository(session)
    users = repo.users(source.id, [u for c in calls if (u := _user(c))])
    groups: dict[str, str] = {}  # the source's group id → the account's external id
    events: list[tuple[Any, ...]] = []
    skipped: list[Skipped] = []
    applied = 0
    for call in calls:
        user = _user(call)
        try:
            if call.type == "group":
                if call.groupId is None:
                    raise InvalidInput(_("A group call needs a groupId"))
                account = _account(session, source, call.groupId, call.traits, groups)
                if user is not None:
                    row = repo.remember(users, source.id, user, account=account)
                    _contact(session, row)
                applied += 1
            elif call.type == "identify":
                if user is None:
                    raise InvalidInput(_("An identify call needs a userId or anonymousId"))
                _contact(session, repo.remember(users, source.id, user, traits=call.traits))
                applied += 1
            elif call.type in EVENT_CALLS:
                events.append(_event(session, source, call, user, users=users, groups=groups))
            else:
                raise InvalidInput(_("{kind} calls are not read", kind=call.type))
        except (InvalidInput, Conflict, ValidationError) as error:
            skipped.append(Skipped(message_id=call.messageId, reason=_reason(error)))
    stored = ingest_columns(events_path, list(zip(*events, strict=True)) or [[]] * 7)
    return IntakeResult(
        received=len(calls),
        events_stored=stored.inserted,
        duplicates=stored.duplicates,
        users=applied,
        skipped=skipped,
    )


def _event(
    session: Session,
    source: EventSource,
    call: SegmentCall,
    user: str | None,
    *,
    users: dict[str, SourceUser],
    groups: dict[str, str],
) -> tuple[Any, ...]:
    """The call as a row of the event store's columns (BATCH_SCHEMA's order)."""
    group = call.context.get("groupId") or call.groupId
    if group:
        account = _known_account(session, source, str(group), groups)
    else:
        known = users.get(user) if user else None
        account = known.account_external_id if known else None
    if account is None:
        raise InvalidInput(
            _(
                "No account for user {user}: send a group call for it first, or the account "
                "in context.groupId",
                user=user or "-",
            )
        )
    name = call.event if call.type == "track" else f"{call.type}_viewed"
    if not name:
        raise InvalidInput(_("A track call needs an event name"))
    properties = dict(call.properties)
    if call.type != "track" and call.name:
        properties.setdefault("name", call.name)
    text = compact_json(properties)
    if len(text.encode()) > MAX_PROPERTIES_BYTES:
        # The store refuses a whole batch for one such event; a Segment batch skips the call.
        raise InvalidInput(_("At most {size} kB of JSON", size=MAX_PROPERTIES_BYTES // 1024))
    value = properties.get("value", properties.get("revenue"))
    number = (
        float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    )
    moment = call.timestamp or call.sentAt or datetime.now(UTC)
    # The call's fields were validated (ids ≤ 200 characters, names ≤ 500, an aware time).
    return (
        call.messageId,
        account,
        user,
        name,
        moment.astimezone(UTC),
        number,
        text,
    )


def _account(
    session: Session,
    source: EventSource,
    group: str,
    traits: dict[str, Any],
    groups: dict[str, str],
) -> str:
    """The account's external id, made from the group's traits the first time (traits fill
    a new account; they do not overwrite one that exists)."""
    found = _known_account(session, source, group, groups)
    if found is not None:
        if find_account_by_source(session, _origin(source), group) is None:
            set_external_id(session, account_ids(session, [found])[found], _origin(source), group)
        return found
    name = traits.get("name")
    made = accounts.create(
        session,
        AccountCreate(
            external_id=group,
            name=str(name) if name else group,
            plan=str(traits["plan"]) if traits.get("plan") else None,
            industry=str(traits["industry"]) if traits.get("industry") else None,
        ),
    )
    set_external_id(session, made.id, _origin(source), group)
    groups[group] = made.external_id
    return made.external_id


def _known_account(
    session: Session, source: EventSource, group: str, groups: dict[str, str]
) -> str | None:
    """By the source's own id for it, else by Kasasu's external id (then remembered as the
    source's); None for an account Kasasu does not know."""
    if group in groups:
        return groups[group]
    found = find_account_by_source(session, _origin(source), group)
    if found is None:
        if group not in account_ids(session, [group]):
            return None
        external = group  # Kasasu's own external id (a group call records it as the source's)
    else:
        external = found.external_id
    groups[group] = external
    return external


def _contact(session: Session, user: SourceUser) -> None:
    """The user as a contact of its account, once both are known (name and email from its
    traits; a contact's other fields are left as the CS team set them)."""
    if user.account_external_id is None:
        return
    traits = user.traits or {}
    email = traits.get("email")
    name = traits.get("name") or email or user.user_id
    ids = contacts.ids(session, {"external_id": user.user_id})
    if ids:
        changes = {"name": str(name)} | ({"email": str(email)} if email else {})
        contacts.update(session, ids[0], ContactUpdate(**changes))
        return
    account = account_ids(session, [user.account_external_id])[user.account_external_id]
    contacts.create(
        session,
        ContactCreate(
            external_id=user.user_id,
            account_id=account,
            name=str(name),
            email=str(email) if email else None,
        ),
    )


def _user(call: SegmentCall) -> str | None:
    return call.userId or call.anonymousId


def _origin(source: EventSource) -> str:
    return f"segment:{source.name}"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        return f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    return str(error)
