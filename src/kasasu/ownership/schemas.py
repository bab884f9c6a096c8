from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from kasasu.domain.choices import OwnerMethod
from kasasu.kit.types import Day


class OwnerRuleDefinition(BaseModel):
    """A rule as a leader writes it: which accounts (a condition, a segment or both; neither:
    every account) go to which people, picked how."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[\w.\- ]+$")
    condition: str | None = Field(
        default=None,
        max_length=2000,
        description='A rule over account fields and health, e.g. custom.地域 == "東北"',
    )
    segment: str | None = Field(default=None, description="Only accounts now in this segment")
    method: OwnerMethod
    owners: list[int] = Field(min_length=1, description="User ids, in order")
    enabled: bool = True


class OwnerRuleRead(BaseModel):
    id: int
    name: str
    position: int
    condition: str | None
    segment: str | None
    method: OwnerMethod
    owners: list[int]
    owner_names: list[str]
    enabled: bool


class CapacityRow(BaseModel):
    """One CSM's book: accounts owned (churned ones aside) against capacity."""

    owner_id: int
    name: str
    accounts: int
    capacity: int | None = Field(description="None: no limit")
    room: int | None = Field(description="Accounts the rules may still give (None: no limit)")
    share: float | None = Field(description="accounts ÷ capacity (None: no limit or 0)")
    in_rules: int = Field(description="Enabled rules that may give this CSM accounts")


class PlannedAssignment(BaseModel):
    account_id: int
    account_name: str
    owner_id: int
    owner_name: str
    rule_id: int
    rule_name: str
    method: OwnerMethod


class AssignmentPlan(BaseModel):
    """What the rules do (or did) with the accounts that have no CSM."""

    as_of: Day | None = Field(description="The refresh whose touch model and health are read")
    unowned: int = Field(description="Accounts without a CSM (churned ones aside)")
    assigned: list[PlannedAssignment]
    no_rule: int = Field(description="Unowned accounts no enabled rule matches")
    full: int = Field(description="Matched, but every CSM of the rule is at capacity")


class AccountOwnership(BaseModel):
    """How the account's CSM was chosen: by a rule (named) or not (by hand or an import)."""

    owner_id: int | None
    rule_name: str | None = Field(description="None: not chosen by a rule")
    method: OwnerMethod | None
    assigned_at: datetime | None
