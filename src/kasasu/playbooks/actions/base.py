"""What every playbook action kind provides (one module per kind in this package), and the
two shapes an action takes on its way: a planned ``Step``, then a ``Started`` action."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from kasasu.kit.i18n import Message

if TYPE_CHECKING:
    from kasasu.playbooks.delivery import Delivery
    from kasasu.playbooks.variables import FiringContext


@dataclass
class Step:
    kind: str
    payload: dict[str, Any] | None  # None: skipped, for ``skip``
    skip: Message | None = None


@dataclass(frozen=True)
class Started:
    action_id: int
    kind: str
    payload: dict[str, Any]
    key: str  # stable per action: Message-ID and Idempotency-Key
    playbook_id: int = 0
    playbook: str = ""  # its name: the actor of what the action changes (audit log)


@dataclass(frozen=True)
class ActionKind:
    """One kind of action: its YAML/API schema, its names for people, how a firing turns
    it into a payload, how a payload reads in a log, and how it is carried out: ``perform``
    inside Kasasu's database (the same transaction that marks it done, so exactly once), or
    ``deliver`` to the outside world after it is marked started."""

    type: str
    schema: builtins.type[BaseModel]  # (the field above shadows the builtin)
    label: Message  # one action, on the pages: "Task"
    tally_label: Message  # a column of counts in the terminal: "Tasks"
    plan: Callable[[Any, FiringContext], Step]
    describe: Callable[[Mapping[str, Any]], Message]
    perform: Callable[[Session, Started], dict[str, Any]] | None = None
    deliver: Callable[[Mapping[str, Any], str, Delivery], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        if (self.perform is None) == (self.deliver is None):
            raise TypeError(f"action kind {self.type}: give exactly one of perform and deliver")
