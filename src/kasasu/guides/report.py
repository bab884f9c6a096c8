"""How a guide does: whom it reached, how far they went step by step, and whether tickets on
its topic fell after it went live (the same number of days before and after, so the two
counts compare)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.errors import NotFound
from kasasu.guides.repository import AssignmentRepository, GuideRepository, ViewerRepository
from kasasu.guides.schemas import GuideDefinition
from kasasu.kit.i18n import _
from kasasu.kit.types import local_text
from kasasu.support.service import tickets_around

TICKET_WINDOW = timedelta(days=30)


class StepReach(BaseModel):
    step: int = Field(description="1 for the first step")
    title: str
    users: int = Field(description="Users who completed this step")


class TicketsAround(BaseModel):
    words: list[str]
    days: int = Field(description="The length of each window: up to 30, as many as have passed")
    before: int
    after: int


class GuideReport(BaseModel):
    key: str
    name: str
    live_since: datetime | None
    version: int | None
    users_shown: int
    accounts_reached: int
    shows: int
    steps: list[StepReach]
    completed: int
    dismissed: int
    completion_rate: float | None = Field(description="Completed ÷ users shown")
    assigned_accounts: int = Field(description="Accounts a playbook assigned")
    tickets: TicketsAround | None


def reach_by_guide(session: Session) -> dict[int, tuple[int, int]]:
    """Guide id → (users shown, users who completed it): the list's two columns."""
    return ViewerRepository(session).reach()


def guide_report(session: Session, key: str, now: datetime, locale: str = "en") -> GuideReport:
    repo = GuideRepository(session)
    guide = repo.by_key(key)
    if guide is None:
        raise NotFound(_("No guide with the key {key}", key=key))
    first = repo.version(guide.id, 1)
    latest = repo.version(guide.id, guide.published_version) if guide.published_version else None
    definition = GuideDefinition.model_validate(latest.definition if latest else guide.draft)
    users, accounts, shows, completed, dismissed, *finished = ViewerRepository(session).tally(
        guide.id, len(definition.steps)
    )
    return GuideReport(
        key=guide.key,
        name=guide.name,
        live_since=first.published_at if first else None,
        version=guide.published_version,
        users_shown=users,
        accounts_reached=accounts,
        shows=shows,
        steps=[
            StepReach(step=i + 1, title=local_text(step.title, locale), users=done)
            for i, (step, done) in enumerate(zip(definition.steps, finished, strict=True))
        ],
        completed=completed,
        dismissed=dismissed,
        completion_rate=completed / users if users else None,
        assigned_accounts=AssignmentRepository(session).count_of(guide.id),
        tickets=_tickets(session, definition.topic, first.published_at if first else None, now),
    )


def _tickets(
    session: Session, words: list[str], live: datetime | None, now: datetime
) -> TicketsAround | None:
    if not words or live is None:
        return None
    span = min(TICKET_WINDOW, max(now - live, timedelta(0)))
    before, after = tickets_around(session, words, live, span)
    return TicketsAround(words=words, days=span.days, before=before, after=after)
