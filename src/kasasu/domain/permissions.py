"""What each role may do. One table, checked by the delivery layers."""

from __future__ import annotations

from enum import StrEnum

from kasasu.domain.choices import Role


class Action(StrEnum):
    READ = "read"
    WRITE = "write"  # create and change customer data, log activities, work tasks
    DELETE = "delete"
    IMPORT = "import"  # bulk imports and event ingestion
    ADMIN = "admin"  # users, API keys, settings


_ALLOWED: dict[Role, frozenset[Action]] = {
    Role.VIEWER: frozenset({Action.READ}),
    Role.CSM: frozenset({Action.READ, Action.WRITE}),
    Role.LEADER: frozenset({Action.READ, Action.WRITE, Action.DELETE, Action.IMPORT}),
    Role.ADMIN: frozenset(Action),
}


def can(role: Role, action: Action) -> bool:
    return action in _ALLOWED[role]
