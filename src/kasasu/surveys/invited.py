"""A contact's open survey invitations with their personal links, as the customer portal
lists them: campaigns still open, not answered, not expired."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.domain.choices import SurveyKind
from kasasu.surveys.campaigns import question_of
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.links import sign_link
from kasasu.surveys.repository import InvitationRepository


class OpenInvitation(BaseModel):
    id: int
    kind: SurveyKind
    question: str = Field(description="In the reader's language")
    sent_at: datetime | None
    expires_at: datetime | None
    url: str = Field(description="The personal answer page (/s/...)")


def open_invitations(
    session: Session, config: SurveyConfig, contact_id: int, locale: str, now: datetime
) -> list[OpenInvitation]:
    return [
        OpenInvitation(
            id=invitation.id,
            kind=invitation.kind,
            question=question_of(campaign, locale),
            sent_at=invitation.sent_at,
            expires_at=invitation.expires_at,
            url=f"/s/{sign_link(config.secret, invitation)}",
        )
        for invitation, campaign in InvitationRepository(session).open_of_contact(contact_id, now)
    ]
