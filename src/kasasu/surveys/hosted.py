"""The campaign's hosted page (security review F8): a visitor gives an email and, if it
belongs to the campaign's audience, their personal link is emailed to it. The page answers
the same for every email, known or not, answered or not, and stores no answer itself:
the personal link (signed, answered once) does. Link emails to one address are capped."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _
from kasasu.kit.mail import DeliveryError, send_email
from kasasu.models import SurveyCampaign, SurveyInvitation
from kasasu.surveys.answers import SurveyPage, audience_contact, open_campaign
from kasasu.surveys.campaigns import invitation_mail, new_token
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.guard import SurveyGuard
from kasasu.surveys.links import expired
from kasasu.surveys.repository import AnswerRepository, InvitationRepository

MAX_EMAIL = 320


@dataclass(frozen=True)
class LinkRequest:
    page: SurveyPage  # "sent" for every email; "unknown" or "closed" for the campaign
    # Sends the email; the caller runs it after answering, so that a known email does not
    # take longer to answer than an unknown one.
    deliver: Callable[[], bool] | None = None


def request_link(
    session: Session,
    config: SurveyConfig,
    public_id: str,
    email: str,
    now: datetime,
    *,
    guard: SurveyGuard,
) -> LinkRequest:
    page = open_campaign(session, public_id, "page")
    if page.state != "open" or page.campaign is None:
        return LinkRequest(page)
    campaign = page.campaign
    who = email.strip().lower()
    if "@" not in who or len(who) > MAX_EMAIL:
        reason = _("Enter your email address")
        raise InvalidInput(reason, [FieldError(("body", "email"), reason, email)])
    sent = LinkRequest(SurveyPage("sent", campaign.kind, None, campaign))
    if guard.links.hit(who):  # enough emails to this address for now: none more, silently
        return sent
    contact = audience_contact(session, campaign, who)
    if contact is None or AnswerRepository(session).has_answered(campaign.name, contact.id):
        return sent
    invitation = _invitation(session, campaign, contact.id, contact.account_id, now)
    if invitation is None:
        return sent
    _row, person, account = InvitationRepository(session).with_people(invitation.id)
    payload, key = invitation_mail(campaign, invitation, person, account, config)
    key = f"{key}-{int(now.timestamp())}"  # each requested email is its own message

    def deliver() -> bool:
        try:
            send_email(payload, key, config.mail)
        except DeliveryError:
            return False
        return True

    return LinkRequest(sent.page, deliver)


def _invitation(
    session: Session, campaign: SurveyCampaign, contact_id: int, account_id: int, now: datetime
) -> SurveyInvitation | None:
    """The contact's open invitation to the campaign (made, or renewed when expired); None
    when they answered it."""
    repo = InvitationRepository(session)
    invitation = AnswerRepository(session).invitation_of(campaign.id, contact_id)
    expires = now + timedelta(days=campaign.expires_days)
    if invitation is None:
        invitation = SurveyInvitation(
            account_id=account_id,
            contact_id=contact_id,
            kind=campaign.kind,
            status="sent",
            source=f"page:{campaign.name}",
            campaign_id=campaign.id,
            token=new_token(),
            expires_at=expires,
            sent_at=now,
        )
        return repo.add(invitation)
    if invitation.answered_at is not None:
        return None
    if expired(invitation, now):
        invitation.expires_at = expires
    invitation.status, invitation.sent_at = "sent", invitation.sent_at or now
    session.flush()
    return invitation
