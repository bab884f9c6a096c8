"""Answering a survey without signing in: through a personal link (which the hosted page
emails, see :mod:`kasasu.surveys.hosted`) or the in-app widget, for a contact (email or
external id) that the customer's backend signed. One answer per contact and campaign; it
lands as a survey response on the account and contact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy.orm import Session

from kasasu.domain.choices import SurveyKind
from kasasu.errors import FieldError, InvalidInput, PermissionDenied
from kasasu.kit.i18n import _
from kasasu.models import Contact, SurveyCampaign, SurveyInvitation
from kasasu.surveys.campaigns import audience, question_of
from kasasu.surveys.config import MAX_COMMENT, SurveyConfig
from kasasu.surveys.links import expired, read_link, widget_signed
from kasasu.surveys.repository import (
    AnswerRepository,
    AudienceRepository,
    CampaignRepository,
    InvitationRepository,
)
from kasasu.surveys.schemas import ResponseCreate
from kasasu.surveys.service import responses, score_errors
from kasasu.surveys.texts import default_followup, scale_ends

LINK_MAX_AGE = 366 * 24 * 3600  # the signature's own limit; the invitation's expiry decides
State = Literal["open", "thanks", "answered", "expired", "forged", "closed", "unknown", "sent"]


@dataclass(frozen=True)
class Answer:
    score: int | None
    comment: str | None
    who: str = ""  # hosted page and widget: the contact's email or external id


@dataclass(frozen=True)
class SurveyTexts:
    question: str
    followup: str
    low_label: str
    high_label: str


@dataclass(frozen=True)
class SurveyPage:
    """What a public survey page shows: the form, or why there is none."""

    state: State
    kind: SurveyKind = SurveyKind.NPS
    locale: str | None = None  # the invitation's language
    campaign: SurveyCampaign | None = None

    @property
    def scale(self) -> range:
        low, high = self.kind.score_range
        return range(low, high + 1)

    def texts(self, locale: str) -> SurveyTexts:
        c = self.campaign
        own = (c.followup_ja if locale == "ja" else c.followup_en) if c else None
        low, high = scale_ends(self.kind, locale)
        question = question_of(c, locale) if c else ""
        return SurveyTexts(question, own or default_followup(self.kind, locale), low, high)


def answer_errors(kind: SurveyKind, score: int | None, comment: str | None) -> list[FieldError]:
    """The form's checks: a score in the kind's range, a comment of at most 2,000 characters."""
    errors: list[FieldError] = []
    if score is None:
        errors.append(FieldError(("body", "score"), _("Choose a score"), None))
    else:
        errors += score_errors({"kind": kind, "score": score})
    if comment is not None and len(comment) > MAX_COMMENT:
        message = _("A comment is at most {n} characters", n=f"{MAX_COMMENT:,}")
        errors.append(FieldError(("body", "comment"), message, len(comment)))
    return errors


def open_link(session: Session, config: SurveyConfig, link: str, now: datetime) -> SurveyPage:
    found = _invitation(session, config, link)
    if isinstance(found, SurveyPage):
        return found
    invitation, campaign = found
    page = SurveyPage("open", campaign.kind, invitation.locale, campaign)
    if invitation.answered_at is not None:
        return SurveyPage("answered", campaign.kind, invitation.locale, campaign)
    if expired(invitation, now) or campaign.status == "closed":
        return SurveyPage("expired", campaign.kind, invitation.locale, campaign)
    return page


def answer_link(
    session: Session, config: SurveyConfig, link: str, answer: Answer, now: datetime
) -> SurveyPage:
    """Store the answer once; raise InvalidInput (nothing stored) when it is not valid."""
    page = open_link(session, config, link, now)
    if page.state != "open" or page.campaign is None:
        return page
    found = _invitation(session, config, link)
    assert not isinstance(found, SurveyPage)  # open_link just read it
    invitation = found[0]
    return _store(
        session,
        page.campaign,
        answer,
        now,
        invitation=invitation,
        account_id=invitation.account_id,
        contact_id=invitation.contact_id,
    )


def open_campaign(session: Session, public_id: str, channel: str) -> SurveyPage:
    campaign = CampaignRepository(session).get_by_public_id(public_id)
    if campaign is None or not getattr(campaign, f"channel_{channel}"):
        return SurveyPage("unknown")
    if campaign.status == "closed":
        return SurveyPage("closed", campaign.kind, None, campaign)
    return SurveyPage("open", campaign.kind, None, campaign)


def answer_widget(
    session: Session,
    config: SurveyConfig,
    public_id: str,
    answer: Answer,
    now: datetime,
    *,
    signature: str,
) -> SurveyPage:
    """An answer from the widget for ``answer.who`` (email or external id), which the customer's
    backend signed for this campaign: PermissionDenied when the signature is missing or
    wrong. Someone outside the campaign's audience gets "thanks" like everyone else and
    nothing is stored, so the answers tell nobody who is asked."""
    contact = answer.who
    if not widget_signed(config.widget_signing_secret, public_id, contact, signature):
        raise PermissionDenied(_("The contact is not signed for this survey"))
    page = open_campaign(session, public_id, "widget")
    if page.state != "open" or page.campaign is None:
        return page
    return _answer_open(session, page.campaign, answer, now)


def in_product_survey(session: Session, name: str, who: str, account_id: int) -> SurveyPage | None:
    """The campaign ``name`` as an in-app guide asks it of ``who`` (email or external id):
    only when it is open to the widget channel, and ``who`` is a contact of its audience, at
    ``account_id``, who has not answered it yet."""
    campaign = CampaignRepository(session).get_by_name(name)
    if campaign is None or not campaign.channel_widget or campaign.status == "closed":
        return None
    found = audience_contact(session, campaign, who)
    if found is None or found.account_id != account_id:
        return None
    answers = AnswerRepository(session)
    invitation = answers.invitation_of(campaign.id, found.id)
    if answers.has_answered(campaign.name, found.id) or (
        invitation is not None and invitation.answered_at is not None
    ):
        return None
    return SurveyPage("open", campaign.kind, None, campaign)


def answer_in_product(
    session: Session, name: str, answer: Answer, now: datetime, account_id: int
) -> SurveyPage:
    """An answer from an in-app guide, for ``answer.who`` of ``account_id`` (the SDK signed
    the account and user): like the widget's, stored only for a contact of that account in
    the campaign's audience."""
    page = in_product_survey(session, name, answer.who, account_id)
    if page is None or page.campaign is None:
        return SurveyPage("thanks")  # outside its audience: nothing stored, nothing told
    return _answer_open(session, page.campaign, answer, now)


def _answer_open(
    session: Session, campaign: SurveyCampaign, answer: Answer, now: datetime
) -> SurveyPage:
    """An answer to an open campaign by a contact of its audience (anyone else gets
    "thanks" and nothing is stored)."""
    contact = answer.who
    comment = (answer.comment or "").strip() or None
    errors = answer_errors(campaign.kind, answer.score, comment)
    if errors:  # before looking the contact up: the same refusal for everyone
        raise InvalidInput(_("The answer was not saved"), errors)
    found = audience_contact(session, campaign, contact)
    if found is None:
        return SurveyPage("thanks", campaign.kind, None, campaign)
    answers = AnswerRepository(session)
    invitation = answers.invitation_of(campaign.id, found.id)
    if answers.has_answered(campaign.name, found.id) or (
        invitation is not None and invitation.answered_at is not None
    ):
        return SurveyPage("answered", campaign.kind, None, campaign)
    return _store(
        session,
        campaign,
        answer,
        now,
        invitation=invitation,
        account_id=found.account_id,
        contact_id=found.id,
    )


def audience_contact(session: Session, campaign: SurveyCampaign, who: str) -> Contact | None:
    """The contact of the campaign's audience (or invited to it) whose email or external id
    is ``who``."""
    invited = InvitationRepository(session).contacts_of(campaign.id)
    contact_ids = sorted({p.contact_id for p in audience(session, campaign)} | set(invited))
    who = who.strip()
    return AudienceRepository(session).find(contact_ids, who) if who else None


def _store(
    session: Session,
    campaign: SurveyCampaign,
    answer: Answer,
    now: datetime,
    *,
    invitation: SurveyInvitation | None,
    account_id: int,
    contact_id: int,
) -> SurveyPage:
    comment = (answer.comment or "").strip() or None
    errors = answer_errors(campaign.kind, answer.score, comment)
    if errors or answer.score is None:
        raise InvalidInput(_("The answer was not saved"), errors)
    locale = invitation.locale if invitation else None
    if invitation is not None and not AnswerRepository(session).mark_answered(invitation.id, now):
        return SurveyPage("answered", campaign.kind, locale, campaign)
    responses.create(
        session,
        ResponseCreate(
            account_id=account_id,
            contact_id=contact_id,
            kind=campaign.kind,
            score=answer.score,
            comment=comment,
            answered_at=now,
            campaign=campaign.name,
        ),
    )
    return SurveyPage("thanks", campaign.kind, locale, campaign)


def _invitation(
    session: Session, config: SurveyConfig, link: str
) -> tuple[SurveyInvitation, SurveyCampaign] | SurveyPage:
    read = read_link(config.secret, link, LINK_MAX_AGE)
    if read == "expired":
        return SurveyPage("expired")
    if read == "forged":
        return SurveyPage("forged")
    invitation_id, token = read
    invitation = InvitationRepository(session).get(invitation_id)
    if invitation is None or invitation.token != token or invitation.campaign_id is None:
        return SurveyPage("forged")
    campaign = CampaignRepository(session).get(invitation.campaign_id)
    if campaign is None:
        return SurveyPage("forged")
    return invitation, campaign
