"""Segments as written in YAML or sent to the API, and as read back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from kasasu.analytics.features import MEASURABLE_NAMES
from kasasu.domain.account_fields import RULE_FIELDS
from kasasu.domain.guides import COMPLETED_LIST, completed_keys
from kasasu.kit.types import Day

# What a segment rule can read: the account's fields, its features on the day (and the list
# of the in-app guides its users completed), its health.
RULE_NAMES = frozenset((*RULE_FIELDS, *MEASURABLE_NAMES, COMPLETED_LIST, "score", "band"))


def rule_values(
    account: Mapping[str, Any],
    features: Mapping[str, Any],
    health: Mapping[str, Any],
    fields: Iterable[str] = RULE_FIELDS,
) -> dict[str, Any]:
    """What a rule reads of one account, as segments and playbook conditions merge it: its
    ``fields``, the day's features, the guides completed, then its health."""
    return {
        **{f: account.get(f) for f in fields},
        **features,
        COMPLETED_LIST: completed_keys(features),
        **health,
    }


class SegmentDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[\w.\- ]+$")
    rule: str = Field(min_length=1, max_length=2000)
    description: str | None = Field(default=None, max_length=2000)


class RefreshProblem(BaseModel):
    """Why the refresh of ``day`` skipped a segment or a playbook, in both languages."""

    day: Day
    ja: str
    en: str


class SegmentRead(BaseModel):
    id: int
    name: str
    rule: str
    description: str | None
    members: int  # accounts in it after the latest refresh
    problem: RefreshProblem | None = None  # the latest refresh skipped it, and why


class SegmentChange(BaseModel):
    """An account entering (or leaving) the segment at a refresh."""

    as_of: Day
    entered: bool
    account_id: int
    account_name: str


class SegmentMemberRow(BaseModel):
    account_id: int
    name: str
    owner_id: int | None


class SegmentMembersPage(BaseModel):
    """The members on a day (the first ``limit`` by name) and how many there are."""

    as_of: Day
    total: int
    members: list[SegmentMemberRow]
