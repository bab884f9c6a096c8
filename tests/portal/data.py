"""Two companies for the portal's tests: A (Acme) and B (Beta), each with a contact, a
request, a success-plan goal; A's contact has an open survey invitation; an announcement
for everyone, one for A's segment only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from kasasu.domain.choices import NeedStatus, SurveyKind
from kasasu.models import (
    Account,
    Announcement,
    Contact,
    Feedback,
    Segment,
    SegmentMember,
    SuccessGoal,
    SurveyCampaign,
    SurveyInvitation,
)

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


@dataclass
class Companies:
    a: int
    b: int
    alice: int  # A's contact, alice@acme.example
    bob: int  # B's contact, bob@beta.example
    request_a: int
    request_b: int
    news_all: int
    news_a_only: int
    invitation_a: int


def add_companies(s: Session, now: datetime = NOW) -> Companies:
    a = Account(external_id="ACME", name="Acme 株式会社")
    b = Account(external_id="BETA", name="Beta 合同会社")
    s.add_all([a, b])
    s.flush()
    alice = Contact(
        external_id="c-alice", account_id=a.id, name="Alice", email="Alice@Acme.example"
    )
    bob = Contact(external_id="c-bob", account_id=b.id, name="Bob", email="bob@beta.example")
    gone = Contact(external_id="c-gone", account_id=a.id, name="Gone", email="gone@acme.example",
                   left_on=now.date() - timedelta(days=3))  # fmt: skip
    s.add_all([alice, bob, gone])
    s.flush()
    asks = [
        Feedback(external_id="fb-a", account_id=a.id, title="CSV export of invoices A-only",
                 status=NeedStatus.PLANNED),
        Feedback(external_id="fb-a-done", account_id=a.id, title="Dark mode shipped",
                 status=NeedStatus.SHIPPED),
        Feedback(external_id="fb-b", account_id=b.id, title="Slack alerts B-only",
                 status=NeedStatus.NEW),
    ]  # fmt: skip
    s.add_all(asks)
    s.add_all([
        SuccessGoal(account_id=a.id, objective="請求業務の効率化", title="Goal of A-only"),
        SuccessGoal(account_id=b.id, objective="Onboard the team", title="Goal of B-only"),
    ])  # fmt: skip
    segment = Segment(name="enterprise", rule="plan == 'Enterprise'")
    s.add(segment)
    s.flush()
    s.add(SegmentMember(segment_id=segment.id, account_id=a.id, entered_on=now.date()))
    news = [
        Announcement(title="Maintenance for everyone", body="**Sunday** 02:00",
                     published_at=now - timedelta(days=1)),
        Announcement(title="Enterprise-only news", body="<script>alert(1)</script>For A",
                     segment="enterprise", published_at=now - timedelta(hours=2)),
        Announcement(title="Future news", body="later", published_at=now + timedelta(days=1)),
    ]  # fmt: skip
    s.add_all(news)
    campaign = SurveyCampaign(name="nps-june", public_id="pub-nps-june", kind=SurveyKind.NPS,
                              status="sent", throttle_days=90, expires_days=30)  # fmt: skip
    s.add(campaign)
    s.flush()
    invitation = SurveyInvitation(account_id=a.id, contact_id=alice.id, kind=SurveyKind.NPS,
                                  status="sent", source="campaign:nps-june",
                                  campaign_id=campaign.id, token="tok-alice",
                                  sent_at=now - timedelta(days=2),
                                  expires_at=now + timedelta(days=28))  # fmt: skip
    s.add(invitation)
    s.flush()
    return Companies(a.id, b.id, alice.id, bob.id, asks[0].id, asks[2].id, news[0].id,
                     news[1].id, invitation.id)  # fmt: skip
