"""Which guides a user of the product sees now, on this page: the published, unpaused guides
of the environment whose schedule, targeting and frequency caps all admit them.

Asked on every page of the product, so it stays cheap: the live guides are read and their
texts rendered once per publish (a per-process cache keyed by the guides' stamp), and the
account's segments, onboarding plan and playbook assignments are read only when a live
guide asks about them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from kasasu.accounts.schemas import AccountRead
from kasasu.accounts.service import accounts
from kasasu.domain.choices import GuideKind, StepSide
from kasasu.guides.identity import Verified, verified
from kasasu.guides.repository import (
    AssignmentRepository,
    GuideRepository,
    ViewerRepository,
    VisitorRepository,
)
from kasasu.guides.schemas import (
    ChecklistItem,
    ChecklistMeeting,
    GuideAnswer,
    GuideAsk,
    GuideDefinition,
    ShownGuide,
    ShownStep,
    SurveyAsk,
)
from kasasu.guides.text import rendered
from kasasu.kit.i18n import LOCALES, _, negotiate_locale
from kasasu.kit.types import local_text
from kasasu.models import GuideViewer
from kasasu.onboarding.schemas import OnboardingRead
from kasasu.onboarding.service import customer_agenda, plan_of
from kasasu.segments.service import segments_of
from kasasu.surveys.answers import SurveyPage, in_product_survey

# The words on the script's buttons.
LABELS = {
    "next": _("Next"),
    "back": _("Back"),
    "done": _("Done"),
    "close": _("Close"),
    "click": _("Click it to go on"),
    "checklist": _("Getting started"),
    "due": _("due"),
    "meetings": _("Meetings"),
    "send": _("Send"),
    "thanks": _("Thank you for your answer."),
}
# Page loads this close together are one visit (first / N-th visit targeting).
VISIT_GAP = timedelta(minutes=30)


@dataclass(frozen=True)
class LiveGuide:
    id: int
    key: str
    kind: GuideKind
    version: int
    definition: GuideDefinition
    url: re.Pattern[str] | None
    steps: dict[str, list[ShownStep]]  # by locale, rendered once


@dataclass
class Facts:
    """What is known of the asking user, read at most once per question."""

    session: Session
    account: AccountRead
    role: str | None
    now: datetime
    count_visit: Callable[[], int]
    who: str = ""  # the user's email trait, else their id: a contact, for micro-surveys
    _visits: int | None = None
    _surveys: dict[str, SurveyPage | None] = field(default_factory=dict)
    _meetings: list[ChecklistMeeting] | None = None
    _segments: set[str] | None = None
    _plan: OnboardingRead | None = None
    _plan_read: bool = False
    _assigned: set[int] | None = None
    seen: dict[int, GuideViewer] = field(default_factory=dict)

    def visits(self) -> int:
        """The user's visits, this one included: counted only when a live guide asks."""
        if self._visits is None:
            self._visits = self.count_visit()
        return self._visits

    def survey(self, name: str) -> SurveyPage | None:
        """The campaign as this user may answer it in the product (None: they may not)."""
        if name not in self._surveys:
            self._surveys[name] = in_product_survey(self.session, name, self.who, self.account.id)
        return self._surveys[name]

    def meetings(self) -> list[ChecklistMeeting]:
        """The plan's meetings still to come (the checklist lists them)."""
        if self._meetings is None:
            agenda = customer_agenda(self.session, self.account.id, self.now)
            self._meetings = [
                ChecklistMeeting(title=m.title, starts_at=m.starts_at, place=m.place)
                for m in agenda.meetings
            ]
        return self._meetings

    def segments(self) -> set[str]:
        if self._segments is None:
            self._segments = segments_of(self.session, self.account.id)
        return self._segments

    def plan(self) -> OnboardingRead | None:
        if not self._plan_read:
            self._plan, self._plan_read = plan_of(self.session, self.account.id), True
        return self._plan

    def assigned(self) -> set[int]:
        if self._assigned is None:
            self._assigned = AssignmentRepository(self.session).guides_of(self.account.id, self.now)
        return self._assigned


class LiveGuides:
    """The environment's live guides, read again only when one is published or paused."""

    def __init__(self) -> None:
        self._held: dict[int, tuple[tuple[Any, ...], list[LiveGuide]]] = {}

    def of(self, session: Session, environment_id: int) -> list[LiveGuide]:
        repo = GuideRepository(session)
        stamp = repo.live_stamp(environment_id)
        held = self._held.get(environment_id)
        if held is None or held[0] != stamp:
            guides = [
                live(guide.id, guide.key, guide.kind, v.version, v.definition)
                for guide, v in repo.live(environment_id)
            ]
            held = (stamp, guides)
            self._held[environment_id] = held
        return held[1]


@cache
def live_guides() -> LiveGuides:
    return LiveGuides()


def decide(
    session: Session,
    ask: GuideAsk,
    origin: str | None,
    now: datetime,
    accept_language: str | None = None,
) -> GuideAnswer:
    """The guides to show, in the user's language."""
    who = verified(session, ask, origin)
    locale = negotiate_locale(ask.locale or accept_language)
    role = ask.traits.get("role")
    facts = Facts(
        session=session,
        account=accounts.get(session, who.account_id),
        role=str(role) if role is not None else None,
        now=now,
        count_visit=lambda: _visit(session, who, ask.user, now),
        who=str(ask.traits.get("email") or ask.user),
    )
    live = live_guides().of(session, who.environment.id)
    if live:
        facts.seen = ViewerRepository(session).of_user(who.account_id, ask.user)
    shown = [
        _shown(guide, facts, locale)
        for guide in live
        if _scheduled(guide.definition, now)
        and _capped(guide, facts.seen.get(guide.id), now)
        and _refusal(guide, facts, ask.url) is None
    ]
    return GuideAnswer(
        guides=shown,
        labels={name: text.render(locale) for name, text in LABELS.items()} if shown else {},
    )


def why_not(guide: LiveGuide, facts: Facts, url: str) -> str | None:
    """The first condition that keeps the guide from this user (None: it shows); what the
    author's preview explains."""
    if not _scheduled(guide.definition, facts.now):
        return "schedule"
    if not _capped(guide, facts.seen.get(guide.id), facts.now):
        return "caps"
    return _refusal(guide, facts, url)


def live(guide_id: int, key: str, kind: GuideKind, version: int, data: Any) -> LiveGuide:
    definition = GuideDefinition.model_validate(data)
    pattern = definition.targeting.url
    return LiveGuide(
        id=guide_id,
        key=key,
        kind=kind,
        version=version,
        definition=definition,
        url=re.compile("^" + ".*".join(map(re.escape, pattern.split("*"))) + "$")
        if pattern
        else None,
        steps={
            locale: [
                ShownStep(
                    selector=step.selector,
                    title=local_text(step.title, locale),
                    body_html=rendered(local_text(step.body, locale)) if step.body else "",
                    advance=step.advance,
                )
                for step in definition.steps
            ]
            for locale in LOCALES
        },
    )


def _visit(session: Session, who: Verified, user: str, now: datetime) -> int:
    visitor = VisitorRepository(session).arrive(who.environment.id, who.account_id, user, now)
    if now - visitor.last_seen_at >= VISIT_GAP:
        visitor.visits += 1
    visitor.last_seen_at = max(visitor.last_seen_at, now)
    return visitor.visits


def _scheduled(definition: GuideDefinition, now: datetime) -> bool:
    return (definition.starts_at is None or definition.starts_at <= now) and (
        definition.ends_at is None or now < definition.ends_at
    )


def _capped(guide: LiveGuide, seen: GuideViewer | None, now: datetime) -> bool:
    """True while the user may see it again: not finished or dismissed, under its caps."""
    if seen is None:
        return True
    if guide.kind is GuideKind.CHECKLIST:  # it stays on every page until closed
        return seen.dismissed_at is None
    if seen.completed_at is not None or seen.dismissed_at is not None:
        return False
    caps = guide.definition.caps
    if seen.shows >= caps.max_shows:
        return False
    last = seen.last_shown_at
    return last is None or caps.days_between == 0 or now - last >= timedelta(caps.days_between)


def _refusal(guide: LiveGuide, facts: Facts, url: str) -> str | None:  # noqa: PLR0911
    """The first condition of the guide's targeting this user fails (None: all hold); the
    account's own fields first, what needs a query last."""
    aim, account = guide.definition.targeting, facts.account
    if guide.url is not None and not guide.url.match(url.split("?", maxsplit=1)[0]):
        return "url"
    if aim.touch_models and account.touch_model not in aim.touch_models:
        return "touch_models"
    if aim.lifecycle_stages and account.lifecycle_stage not in aim.lifecycle_stages:
        return "lifecycle_stages"
    if aim.plans and account.plan not in aim.plans:
        return "plans"
    if aim.roles and facts.role not in aim.roles:
        return "roles"
    if aim.visits_from is not None and facts.visits() < aim.visits_from:
        return "visits_from"
    if aim.visits_to is not None and facts.visits() > aim.visits_to:
        return "visits_to"
    if aim.segments and facts.segments().isdisjoint(aim.segments):
        return "segments"
    if aim.assigned_only and guide.id not in facts.assigned():
        return "assigned_only"
    if not _step_open(facts, aim.onboarding_step_open):
        return "onboarding_step_open"
    if guide.kind is GuideKind.CHECKLIST and not _customer_steps(facts):
        return "checklist"
    if guide.kind is GuideKind.SURVEY and not (
        guide.definition.survey and facts.survey(guide.definition.survey)
    ):
        return "survey"
    return None


def _step_open(facts: Facts, key: str | None) -> bool:
    if key is None:
        return True
    plan = facts.plan()
    return plan is not None and any(s.step_key == key and s.done_at is None for s in plan.steps)


def _customer_steps(facts: Facts) -> list[Any]:
    plan = facts.plan()
    return [s for s in plan.steps if s.side is StepSide.CUSTOMER] if plan else []


def _shown(guide: LiveGuide, facts: Facts, locale: str) -> ShownGuide:
    items: list[ChecklistItem] = []
    meetings: list[ChecklistMeeting] = []
    if guide.kind is GuideKind.CHECKLIST:
        today = facts.now.date()
        items = [
            ChecklistItem(
                title=local_text(step.title or step.name, locale),
                done=step.done_at is not None,
                due_on=step.due_date.isoformat() if step.due_date else None,
                overdue=step.done_at is None
                and step.due_date is not None
                and step.due_date < today,
            )
            for step in _customer_steps(facts)
        ]
        meetings = facts.meetings()
    return ShownGuide(
        key=guide.key,
        version=guide.version,
        kind=guide.kind,
        steps=guide.steps[locale],
        items=items,
        meetings=meetings,
        survey=_survey(guide, facts, locale),
    )


def _survey(guide: LiveGuide, facts: Facts, locale: str) -> SurveyAsk | None:
    name = guide.definition.survey
    page = facts.survey(name) if guide.kind is GuideKind.SURVEY and name else None
    if page is None or name is None:
        return None
    texts = page.texts(locale)
    low, high = page.kind.score_range
    return SurveyAsk(
        campaign=name,
        question=texts.question,
        followup=texts.followup,
        low=low,
        high=high,
        low_label=texts.low_label,
        high_label=texts.high_label,
    )
