"""The playbook action kinds, one module each (schema, labels, plan, describe, perform or
deliver). Planning, execution, the pages and the CLI read ``ACTION_KINDS``; adding a kind
is a module here, its line below and its model in the ``Action`` union of action_schemas.py
(tests/playbooks/test_action_kinds.py checks that the two agree)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kasasu.kit.i18n import Message, _
from kasasu.playbooks.actions import (
    add_onboarding,
    email,
    enrol_survey,
    notify,
    set_field,
    show_guide,
    start_onboarding,
    task,
    webhook,
)
from kasasu.playbooks.actions.base import ActionKind, Started, Step

# In the order the CLI's tally shows them.
ACTION_KINDS: dict[str, ActionKind] = {
    kind.type: kind
    for kind in (
        task.KIND,
        email.KIND,
        webhook.KIND,
        notify.KIND,
        set_field.KIND,
        enrol_survey.KIND,
        add_onboarding.KIND,
        start_onboarding.KIND,
        show_guide.SHOW,
        show_guide.ANNOUNCE,
    )
}
# Kinds whose effect is in Kasasu's own database (done in the transaction that marks them).
LOCAL_KINDS = frozenset(k.type for k in ACTION_KINDS.values() if k.perform is not None)


def describe(
    kind: str, payload: Mapping[str, Any] | None, skip: Message | None, locale: str
) -> str:
    """One line a person reads in a dry run or the log."""
    if payload is None:
        reason = skip.render(locale) if skip else ""
        return _("skipped: {reason}", reason=reason).render(locale)
    return ACTION_KINDS[kind].describe(payload).render(locale)


__all__ = ["ACTION_KINDS", "LOCAL_KINDS", "ActionKind", "Started", "Step", "describe"]
