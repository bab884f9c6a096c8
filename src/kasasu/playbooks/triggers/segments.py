"""Triggers on segment membership: the account entered or left a segment."""

from __future__ import annotations

from kasasu.kit.i18n import _
from kasasu.playbooks import trigger_schemas as s
from kasasu.playbooks.triggers.base import Facts, Firing, TriggerKind


def _segment_changed(t: s.SegmentChanged, f: Facts) -> list[Firing]:
    entered = t.type == "segment_entered"
    name = t.segment
    summary = (
        _("Entered segment {name}", name=name) if entered else _("Left segment {name}", name=name)
    )
    return [
        Firing(a, f"{t.type}:{t.segment}:{day}", summary)
        for a, day in f.segment_moves(t.segment, t.within_days, entered=entered)
    ]


KINDS = (
    TriggerKind(
        "segment_entered",
        _segment_changed,
        lambda t, _l: _("Enters segment {name}", name=t["segment"]),
    ),
    TriggerKind(
        "segment_left",
        _segment_changed,
        lambda t, _l: _("Leaves segment {name}", name=t["segment"]),
    ),
)
