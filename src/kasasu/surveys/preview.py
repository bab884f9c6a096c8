"""What sending a campaign would do, before it does it: who would get an invitation (and
who is skipped by the throttle), the email as the first of them would read it, and how
many reminders are due. The send page shows it so that a leader confirms with the numbers."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy.orm import Session

from kasasu.models import Account, Contact, SurveyCampaign, SurveyInvitation
from kasasu.surveys.campaign_schemas import CampaignRead, SendOutcome
from kasasu.surveys.campaigns import campaign_row, choose_recipients, invitation_mail
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.repository import InvitationRepository

SAMPLE_LINK = "preview"  # the sample link's token: it matches no invitation, so it answers nothing


class SampleEmail(BaseModel):
    """The invitation email exactly as it would be sent to one recipient."""

    to: str
    locale: str
    subject: str
    body: str


class SendPreview(BaseModel):
    campaign: CampaignRead
    outcome: SendOutcome  # a dry run: audience, new invitations, throttled, every recipient
    waiting: int  # invitations playbooks asked for that this send also carries
    unsent: int  # invitations made by an earlier send whose email has not gone yet
    reminders: int  # sent, unanswered, unexpired and not reminded for remind_after_days
    remind_after_days: int
    sample: SampleEmail | None  # None when nobody would get an email


def send_preview(session: Session, name: str, config: SurveyConfig, now: datetime) -> SendPreview:
    campaign = campaign_row(session, name)
    chosen, outcome = choose_recipients(session, campaign, now)
    outcome.dry_run = True
    outcome.recipients = [p.email for p in chosen]
    invitations = InvitationRepository(session)
    unsent = invitations.to_send(campaign.id)
    due = invitations.to_remind(campaign.id, now - timedelta(days=config.remind_after_days), now)
    first = (chosen[0].contact_id, chosen[0].account_id) if chosen else None
    if first is None and unsent:
        first = (unsent[0][1].id, unsent[0][2].id)
    return SendPreview(
        campaign=CampaignRead.model_validate(campaign),
        outcome=outcome,
        waiting=len(invitations.waiting_playbook(campaign.kind.value)),
        unsent=len(unsent),
        reminders=len(due),
        remind_after_days=config.remind_after_days,
        sample=_sample(session, campaign, first, config, now) if first else None,
    )


def _sample(
    session: Session,
    campaign: SurveyCampaign,
    people: tuple[int, int],
    config: SurveyConfig,
    now: datetime,
) -> SampleEmail:
    contact, account = session.get(Contact, people[0]), session.get(Account, people[1])
    assert contact is not None  # the audience query found both
    assert account is not None
    # Never added to the session: the sample's link points at no invitation.
    draft = SurveyInvitation(
        id=0,
        account_id=account.id,
        contact_id=contact.id,
        kind=campaign.kind,
        token=SAMPLE_LINK,
        expires_at=now + timedelta(days=campaign.expires_days),
    )
    payload, _key = invitation_mail(campaign, draft, contact, account, config)
    return SampleEmail(
        to=str(contact.email),
        locale=payload["locale"],
        subject=payload["subject"],
        body=payload["body"],
    )
