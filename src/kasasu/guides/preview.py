"""The author's preview: would this user of this account see the guide's draft on this
page, and if not, the first condition that keeps it from them. Nothing is counted: the
user's visits and views stay as they are."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from kasasu.accounts.service import account_ids, accounts
from kasasu.errors import NotFound
from kasasu.guides.decision import Facts, why_not
from kasasu.guides.decision import live as live_guide
from kasasu.guides.repository import GuideRepository, ViewerRepository, VisitorRepository
from kasasu.guides.schemas import ShownStep
from kasasu.kit.i18n import Message, _

REASONS: dict[str, Message] = {
    "schedule": _("Outside its schedule"),
    "caps": _("This user finished or dismissed it, or saw it as often as its caps allow"),
    "url": _("Not on this page (its URL pattern)"),
    "touch_models": _("The account has another touch model"),
    "lifecycle_stages": _("The account is at another lifecycle stage"),
    "plans": _("The account is on another plan"),
    "roles": _("The user has another role"),
    "visits_from": _("The user has not visited often enough yet"),
    "visits_to": _("The user has visited more often than it allows"),
    "segments": _("The account is in none of its segments"),
    "assigned_only": _("No playbook assigned it to this account"),
    "onboarding_step_open": _("The account's onboarding step is not open"),
    "checklist": _("The account has no customer-side onboarding steps"),
    "survey": _("Not a contact of the survey's audience at this account, answered, or closed"),
}


class PreviewOutcome(BaseModel):
    found: bool
    shows: bool
    reason: str | None
    visits: int
    steps: list[ShownStep]


def preview_as(
    session: Session,
    key: str,
    who: tuple[str, str, str | None],
    url: str,
    *,
    now: datetime,
    locale: str,
) -> PreviewOutcome:
    """``who``: the account's external id, the user's id and their role trait."""
    account, user, role = who
    guide = GuideRepository(session).by_key(key)
    if guide is None:
        raise NotFound(_("No guide with the key {key}", key=key))
    account_id = account_ids(session, [account]).get(account)
    if account_id is None:
        return PreviewOutcome(found=False, shows=False, reason=None, visits=0, steps=[])
    visitor = VisitorRepository(session).find(guide.environment_id, account_id, user)
    draft = live_guide(guide.id, guide.key, guide.kind, guide.published_version or 0, guide.draft)
    facts = Facts(
        session=session,
        account=accounts.get(session, account_id),
        role=role,
        now=now,
        count_visit=lambda: visitor.visits if visitor else 1,
        seen=ViewerRepository(session).of_user(account_id, user),
    )
    refusal = why_not(draft, facts, url)
    return PreviewOutcome(
        found=True,
        shows=refusal is None,
        reason=REASONS[refusal].render(locale) if refusal else None,
        visits=facts.visits(),
        steps=draft.steps[locale],
    )
