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


# API keys may be narrowed to scopes: a level for every resource family ("read", "write",
# "admin") or for one family ("accounts:write"). A level includes the ones below it; a key
# with scopes may do an action only when its role allows it *and* a scope covers it.
SCOPE_LEVELS = ("read", "write", "admin")
_LEVEL_OF: dict[Action, str] = {
    Action.READ: "read",
    Action.WRITE: "write",
    Action.DELETE: "write",
    Action.IMPORT: "write",
    Action.ADMIN: "admin",
}
# The first path segment of every authenticated route under /api/v1 (a test keeps it whole).
API_FAMILIES = frozenset(
    {
        "account-list",
        "accounts",
        "activities",
        "announcements",
        "audit",
        "churn",
        "churn-reasons",
        "community",
        "contacts",
        "dashboard",
        "deals",
        "events",
        "exchange-rates",
        "exports",
        "funnel",
        "goals",
        "guides",
        "health",
        "home",
        "imports",
        "jobs",
        "knowledge",
        "leads",
        "lifetime-value",
        "loyal",
        "metrics",
        "needs",
        "onboarding",
        "ownership",
        "playbooks",
        "renewals",
        "responses",
        "scorecards",
        "sdk",
        "segments",
        "subscriptions",
        "survey-results",
        "surveys",
        "sync",
        "tasks",
        "tickets",
        "voice",
        "webinars",
        "workload",
    }
)


def parse_scopes(text: str) -> tuple[str, ...]:
    """``"read accounts:write"`` (spaces or commas) → the scopes, sorted and without repeats;
    ValueError naming the first one that is not LEVEL or FAMILY:LEVEL."""
    scopes = {part for part in text.replace(",", " ").split() if part}
    for scope in scopes:
        family, colon, level = scope.rpartition(":")
        if level not in SCOPE_LEVELS or (colon and family not in API_FAMILIES):
            raise ValueError(scope)
    if not scopes:
        raise ValueError(text)
    return tuple(sorted(scopes))


def scope_allows(scopes: tuple[str, ...] | None, action: Action, family: str) -> bool:
    """Whether a key's scopes cover ``action`` on ``family`` (None: no scopes, the role alone)."""
    if scopes is None:
        return True
    needed = SCOPE_LEVELS.index(_LEVEL_OF[action])
    for scope in scopes:
        scope_family, _colon, level = scope.rpartition(":")
        if scope_family in ("", family) and SCOPE_LEVELS.index(level) >= needed:
            return True
    return False
