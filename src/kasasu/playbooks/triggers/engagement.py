"""Triggers on what the account's contacts did: came to an event (or did not), asked a
community question nobody answered, wrote their first community post. Each firing names
the contacts it is about (an email or survey "to: trigger")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kasasu.kit.i18n import Message, _
from kasasu.kit.types import local_text
from kasasu.playbooks import trigger_schemas as s
from kasasu.playbooks.triggers.base import Facts, Firing, TriggerKind


@dataclass(frozen=True)
class LocalTitle(Message):
    """A title written in {ja, en}, shown in the reader's language in a summary."""

    texts: Mapping[str, Any] = field(default_factory=dict)

    def render(self, locale: str) -> str:
        return local_text(self.texts, locale)


def _event_outcome(t: s.EventAttended | s.EventNoShow, f: Facts) -> list[Firing]:
    outcome = "attended" if t.type == "event_attended" else "no_show"
    grouped: dict[tuple[int, int], list[Any]] = {}
    for account, event, contact, title, recording in f.event_outcomes(outcome, t.within_days):
        grouped.setdefault((account, event), [title, recording, []])[2].append(contact)
    words = _("Attended {title}") if outcome == "attended" else _("Did not come to {title}")
    return [
        Firing(
            account,
            f"event:{event}:{outcome}",
            Message(words.msgid, {"title": LocalTitle("", texts=title or {})}),
            contacts=tuple(contacts),
            event={"id": event, "title": title or {}, "recording_url": recording or ""},
        )
        for (account, event), (title, recording, contacts) in grouped.items()
    ]


def _question_unanswered(t: s.CommunityQuestionUnanswered, f: Facts) -> list[Firing]:
    return [
        Firing(
            a,
            f"question:{post}",
            _("Community question unanswered: {title}", title=title),
            contacts=(asker,),
        )
        for a, post, asker, title in f.unanswered_questions(t.hours, t.within_days)
    ]


def _first_post(t: s.FirstPost, f: Facts) -> list[Firing]:
    return [
        Firing(
            a,
            f"first-post:{contact}",
            _("First community post: {title}", title=title),
            contacts=(contact,),
        )
        for a, contact, _post, title in f.first_posts(t.within_days)
    ]


KINDS = (
    TriggerKind(
        "event_attended",
        _event_outcome,
        lambda t, _l: _(
            "A contact attended an event (within {days} days)",
            days=t.get("within_days", 14),
        ),
    ),
    TriggerKind(
        "event_no_show",
        _event_outcome,
        lambda t, _l: _(
            "A contact registered for an event did not come (within {days} days)",
            days=t.get("within_days", 14),
        ),
    ),
    TriggerKind(
        "community_question_unanswered",
        _question_unanswered,
        lambda t, _l: _(
            "A community question has no answer after {hours} hours",
            hours=t.get("hours", 48),
        ),
    ),
    TriggerKind(
        "first_post",
        _first_post,
        lambda t, _l: _(
            "A contact's first community post (within {days} days)",
            days=t.get("within_days", 7),
        ),
    ),
)
