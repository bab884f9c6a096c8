"""Playbooks as written in YAML or sent to the API (DESIGN.md §2: trigger + conditions +
actions; the trigger and action models are in trigger_schemas.py and action_schemas.py), and
the plan and log read back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, field_validator

from kasasu.kit.types import INPUT_CONFIG, Day
from kasasu.playbooks.action_schemas import Action, Text
from kasasu.playbooks.trigger_schemas import Trigger
from kasasu.segments.schemas import RefreshProblem

RESERVED_NAMES = frozenset({"log", "preview", "new"})


class PlaybookDefinition(BaseModel):
    model_config = INPUT_CONFIG

    name: str = Field(min_length=1, max_length=100, pattern=r"^[\w.\-]+$")
    title: Text
    description: Text | None = None
    enabled: bool = True
    trigger: Trigger
    # A rule over the account (as segments write it) that must hold too, e.g.
    # touch_model == "tech" and mrr < 50000.
    when: str | None = Field(default=None, max_length=2000)
    # Days after firing for an account in which the playbook does not fire for it again.
    cooldown_days: int = Field(default=7, ge=0, le=3650)
    actions: list[Action] = Field(min_length=1, max_length=20)

    @field_validator("name")
    @classmethod
    def _not_a_route(cls, name: str) -> str:
        if name in RESERVED_NAMES:  # pages and API routes under /playbooks/
            raise ValueError(f"{name!r} is reserved; choose another name")
        return name


class PlaybookRead(BaseModel):
    name: str
    enabled: bool
    definition: dict[str, Any]
    runs: int  # times it fired, all accounts and days
    problem: RefreshProblem | None = None  # the latest run skipped it, and why


class PlannedAction(BaseModel):
    """What an action will do (or did), written out for a person to read."""

    kind: str
    summary: str  # "task to 佐藤: …", "email to a@b.jp: subject", "POST https://…"
    status: str = "planned"
    attempts: int = 0
    error: str | None = None


class RunRead(BaseModel):
    id: int | None  # None in a dry run
    playbook: str
    account_id: int
    account: str
    window: str
    fired_on: Day
    trigger: dict[str, Any]
    actions: list[PlannedAction]
    created_at: datetime | None = None


class RunSummary(BaseModel):
    day: Day
    fired: int  # runs claimed by this call
    skipped: int  # already fired for that window, or cooling down
    done: int  # actions that succeeded
    failed: int
    runs: list[RunRead]
