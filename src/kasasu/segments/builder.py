"""What the segment form's rule builder offers: every name a rule may read, with its label
in the reader's language and the kind of value it takes (a number, a text, one of a few
choices, or a list that includes a text or not), so the builder writes the same rule text a
person would type."""

from __future__ import annotations

from typing import Any

from kasasu.analytics.features import MEASURABLE
from kasasu.domain.account_fields import ACCOUNT_FIELDS
from kasasu.domain.guides import COMPLETED_LIST
from kasasu.domain.scoring import Band
from kasasu.kit.choices import LabelledChoice
from kasasu.kit.i18n import _


def rule_fields(locale: str) -> list[dict[str, Any]]:
    """One entry per name a rule reads: {name, label, kind, choices: [[value, label]]}."""
    found = [_account_field(f.name, f.type, f.label.render(locale), locale)
             for f in ACCOUNT_FIELDS if f.rule]  # fmt: skip
    found += [
        {"name": "score", "label": _("Health score").render(locale), "kind": "number"},
        _account_field("band", Band, _("Health").render(locale), locale),
    ]
    found += [
        {"name": f.name, "label": f.title.render(locale), "kind": "number"} for f in MEASURABLE
    ]
    found.append(
        {
            "name": COMPLETED_LIST,
            "label": _("In-app guides completed").render(locale),
            "kind": "list",
        }
    )
    return found


def _account_field(name: str, kind: type, label: str, locale: str) -> dict[str, Any]:
    if isinstance(kind, type) and issubclass(kind, LabelledChoice):
        choices = [[c.value, c.label.render(locale)] for c in kind]
        return {"name": name, "label": label, "kind": "choice", "choices": choices}
    return {"name": name, "label": label, "kind": "number" if kind in (int, float) else "text"}
