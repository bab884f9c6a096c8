"""Survey campaigns: create one for a segment or a list of contacts, send the personal
invitations once each (throttled), and remind those who have not answered, once."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from kasasu.contacts.language import contact_language
from kasasu.domain.choices import SurveyKind
from kasasu.errors import Conflict, FieldError, InvalidInput, NotFound
from kasasu.health.snapshots import latest_refresh_day
from kasasu.kit.i18n import _
from kasasu.kit.mail import DeliveryError, send_email
from kasasu.kit.validation import pydantic_reason
from kasasu.models import Account, Contact, SurveyCampaign, SurveyInvitation
from kasasu.segments.service import get_segment, segment_members
from kasasu.surveys.campaign_schemas import (
    CampaignCreate,
    CampaignRead,
    RemindOutcome,
    SendOutcome,
    WidgetSetup,
)
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.links import sign_link, widget_key
from kasasu.surveys.repository import (
    KEY_ROLES,
    AudienceRepository,
    CampaignRepository,
    InvitationRepository,
    Person,
)
from kasasu.surveys.texts import default_question, invitation_email

Checkpoint = Callable[[], None]  # the caller's commit: each sent email is recorded at once
Send = Callable[..., object]


def validate_campaign(values: Mapping[str, Any], where: str) -> CampaignCreate:
    """A campaign from a form or the command line; errors name the field."""
    try:
        return CampaignCreate.model_validate(values)
    except ValidationError as exc:
        errors = [
            FieldError((where, *e["loc"]), pydantic_reason(e), e.get("input")) for e in exc.errors()
        ]
        raise InvalidInput(_("The survey campaign is not valid"), errors) from exc


def create_campaign(session: Session, data: CampaignCreate, config: SurveyConfig) -> CampaignRead:
    repo = CampaignRepository(session)
    if repo.get_by_name(data.name) is not None:
        raise Conflict(_("A survey campaign named {name} already exists", name=data.name))
    if (data.segment is None) == (not data.contacts):
        reason = _("Give either a segment or a list of contacts")
        raise InvalidInput(reason, [FieldError(("body", "segment"), reason, data.segment)])
    if data.segment is not None:
        get_segment(session, data.segment)  # NotFound names it
    row = SurveyCampaign(
        **data.model_dump(exclude={"contacts", "throttle_days", "expires_days"}),
        audience=list(data.contacts),
        public_id=secrets.token_urlsafe(12),
        throttle_days=config.throttle_days if data.throttle_days is None else data.throttle_days,
        expires_days=data.expires_days or config.expires_days,
        status="draft",
    )
    return CampaignRead.model_validate(repo.add(row))


def list_campaigns(session: Session) -> list[CampaignRead]:
    return [CampaignRead.model_validate(row) for row in CampaignRepository(session).list_all()]


def mailable_campaigns(session: Session) -> list[CampaignRead]:
    """The campaigns accounts can still be added to: by email, not closed."""
    return [c for c in list_campaigns(session) if c.channel_email and c.status != "closed"]


def get_campaign(session: Session, name: str) -> CampaignRead:
    return CampaignRead.model_validate(campaign_row(session, name))


def campaign_row(session: Session, name: str) -> SurveyCampaign:
    row = CampaignRepository(session).get_by_name(name)
    if row is None:
        raise NotFound(_("No survey campaign named {name}", name=name))
    return row


def audience(session: Session, campaign: SurveyCampaign) -> list[Person]:
    """Everyone the campaign asks, by email: for a segment, the
    champions and decision makers of its accounts on the latest refresh day (all contacts
    with an email where an account has neither); else the listed contacts."""
    people = AudienceRepository(session)
    if campaign.segment is None:
        ids = [int(v) for v in campaign.audience if isinstance(v, int)]
        emails = [str(v) for v in campaign.audience if isinstance(v, str)]
        return [Person(c, a, e) for c, a, e in people.by_ids_or_emails(ids, emails) if e]
    day = latest_refresh_day(session)
    return key_contacts(session, segment_members(session, campaign.segment, day) if day else [])


def key_contacts(session: Session, account_ids: Sequence[int]) -> list[Person]:
    """Whom a survey asks at each account: its champions and decision makers with an
    email, or all its contacts with one where it has neither."""
    rows = AudienceRepository(session).of_accounts(account_ids)
    key = frozenset(r.value for r in KEY_ROLES)  # plain strings: a set lookup, not an enum's ==
    keyed = {a for _c, a, _e, role in rows if role in key}
    return [Person(c, a, e) for c, a, e, role in rows if a not in keyed or role in key]


def send_campaign(
    session: Session,
    name: str,
    config: SurveyConfig,
    now: datetime,
    *,
    dry_run: bool = False,
    checkpoint: Checkpoint = lambda: None,
    send: Send = send_email,
) -> SendOutcome:
    """Invite the audience (less those surveyed within the throttle window, plus what
    playbooks asked for), then email every invitation not yet sent, exactly once."""
    campaign = campaign_row(session, name)
    if campaign.status == "closed":
        raise Conflict(_("The survey campaign {name} is closed", name=name))
    chosen, outcome = choose_recipients(session, campaign, now)
    outcome.dry_run = dry_run
    if dry_run:
        outcome.recipients = [p.email for p in chosen]
        return outcome
    _invite(session, campaign, chosen, now)
    for invitation in InvitationRepository(session).waiting_playbook(campaign.kind.value):
        invitation.campaign_id, invitation.token = campaign.id, new_token()
        invitation.expires_at = now + timedelta(days=campaign.expires_days)
        outcome.invited += 1
    campaign.status, campaign.sent_at = "sent", campaign.sent_at or now
    session.flush()
    checkpoint()
    for invitation, contact, account in InvitationRepository(session).to_send(campaign.id):
        if _deliver(
            campaign, invitation, contact, account, config=config, send=send, reminder=False
        ):
            invitation.sent_at, invitation.status = now, "sent"
            session.flush()
            checkpoint()
            outcome.sent += 1
            outcome.recipients.append(str(contact.email))
        else:
            outcome.failed += 1
    return outcome


def schedule_campaign(session: Session, name: str, day: date | None, today: date) -> CampaignRead:
    """Let the daily refresh of ``day`` send the draft campaign ``name`` (None: no longer)."""
    campaign = campaign_row(session, name)
    if campaign.status != "draft":
        raise Conflict(_("The survey campaign {name} was sent already", name=name))
    if day is not None and day < today:
        reason = _("Choose today or a later day")
        raise InvalidInput(reason, [FieldError(("form", "day"), reason, day.isoformat())])
    campaign.scheduled_for = day
    session.flush()
    return CampaignRead.model_validate(campaign)


def due_campaigns(session: Session, today: date) -> list[str]:
    """The draft campaigns scheduled for ``today`` or a day before: what today's run sends."""
    return CampaignRepository(session).scheduled_by(today)


def choose_recipients(
    session: Session, campaign: SurveyCampaign, now: datetime
) -> tuple[list[Person], SendOutcome]:
    """The audience not invited by this campaign yet, less those surveyed (invited or
    answering) within the campaign's throttle window."""
    people = audience(session, campaign)
    fresh, chosen = _not_asked(session, campaign, people, now)
    outcome = SendOutcome(
        campaign=campaign.name,
        dry_run=False,
        audience=len(people),
        invited=len(chosen),
        throttled=len(fresh) - len(chosen),
        sent=0,
    )
    return chosen, outcome


def _not_asked(
    session: Session, campaign: SurveyCampaign, people: Sequence[Person], now: datetime
) -> tuple[list[Person], list[Person]]:
    """Of ``people``: those the campaign has not invited yet, and of them those not
    surveyed (invited or answering) within its throttle window."""
    invites = InvitationRepository(session)
    already = set(invites.contacts_of(campaign.id))
    fresh = [p for p in people if p.contact_id not in already]
    since = now - timedelta(days=campaign.throttle_days)
    asked = [p.contact_id for p in fresh]
    recent = invites.surveyed_since(asked, since) if campaign.throttle_days else set()
    return fresh, [p for p in fresh if p.contact_id not in recent]


def add_to_campaign(
    session: Session, name: str, account_ids: Sequence[int], now: datetime
) -> list[Person]:
    """Invite the key contacts of ``account_ids`` to the email campaign ``name``, beside
    its audience: a draft sends them with everyone, a sent one with its next send. Those it
    invited already or who were surveyed within its throttle window are left out; returns
    who was invited."""
    campaign = campaign_row(session, name)
    if campaign.status == "closed":
        raise Conflict(_("The survey campaign {name} is closed", name=name))
    if not campaign.channel_email:
        raise Conflict(_("The survey campaign {name} sends no email", name=name))
    _fresh, chosen = _not_asked(session, campaign, key_contacts(session, account_ids), now)
    _invite(session, campaign, chosen, now)
    return chosen


def remind_campaign(
    session: Session,
    name: str,
    config: SurveyConfig,
    now: datetime,
    *,
    checkpoint: Checkpoint = lambda: None,
    send: Send = send_email,
) -> RemindOutcome:
    """One reminder to each invitation sent at least ``remind_after_days`` ago and not
    answered (nor expired); never a second."""
    campaign = campaign_row(session, name)
    outcome = RemindOutcome(campaign=name, reminded=0)
    before = now - timedelta(days=config.remind_after_days)
    for invitation, contact, account in InvitationRepository(session).to_remind(
        campaign.id, before, now
    ):
        if _deliver(
            campaign, invitation, contact, account, config=config, send=send, reminder=True
        ):
            invitation.reminded_at = now
            session.flush()
            checkpoint()
            outcome.reminded += 1
        else:
            outcome.failed += 1
    return outcome


def question_of(campaign: SurveyCampaign, locale: str) -> str:
    own = campaign.question_ja if locale == "ja" else campaign.question_en
    return own or default_question(campaign.kind, locale)


def enrol_contacts(
    session: Session, account_id: int, contact_ids: Sequence[int], kind: SurveyKind, source: str
) -> int:
    """Invitations that wait for the next campaign of their kind to send them (a playbook
    or a CSM enrolling an account's contacts); how many. Contacts of another account,
    without an email, who left, or already waiting for that kind are skipped."""
    chosen = InvitationRepository(session).enrollable(account_id, contact_ids, kind.value)
    rows = [
        SurveyInvitation(account_id=account_id, contact_id=c, kind=kind, source=source)
        for c in chosen
    ]
    InvitationRepository(session).add_all(rows)
    return len(rows)


def _invite(
    session: Session, campaign: SurveyCampaign, chosen: Sequence[Person], now: datetime
) -> None:
    expires = now + timedelta(days=campaign.expires_days)
    rows = [
        SurveyInvitation(
            account_id=p.account_id,
            contact_id=p.contact_id,
            kind=campaign.kind,
            status="pending",
            source=f"campaign:{campaign.name}",
            campaign_id=campaign.id,
            token=new_token(),
            expires_at=expires,
        )
        for p in chosen
    ]
    InvitationRepository(session).add_all(rows)


def _deliver(
    campaign: SurveyCampaign,
    invitation: SurveyInvitation,
    contact: Contact,
    account: Account,
    *,
    config: SurveyConfig,
    send: Send,
    reminder: bool,
) -> bool:
    payload, key = invitation_mail(
        campaign, invitation, contact, account, config, reminder=reminder
    )
    try:
        send(payload, key, config.mail)
    except DeliveryError:
        return False
    return True


def invitation_mail(
    campaign: SurveyCampaign,
    invitation: SurveyInvitation,
    contact: Contact,
    account: Account,
    config: SurveyConfig,
    *,
    reminder: bool = False,
) -> tuple[dict[str, Any], str]:
    """(payload, idempotency key) of the email carrying an invitation's personal link."""
    locale = invitation.locale or contact_language(contact, account, config.locale)
    invitation.locale = locale
    expires = invitation.expires_at or datetime.now(UTC)
    link = f"{config.base_url.rstrip('/')}/s/{sign_link(config.secret, invitation)}"
    subject, body = invitation_email(
        name=contact.name,
        question=question_of(campaign, locale),
        link=link,
        expires=expires,
        zone=config.zone,
        locale=locale,
        reminder=reminder,
    )
    key = f"survey-{invitation.token}-{'reminder' if reminder else 'invitation'}"
    return {"to": [contact.email], "subject": subject, "body": body, "locale": locale}, key


def widget_setup(
    session: Session, name: str, config: SurveyConfig, *, with_key: bool
) -> WidgetSetup:
    """What the customer's product needs to show the widget: the snippet and how to sign a
    contact; the campaign's signing key only ``with_key`` (leaders and admins)."""
    campaign = campaign_row(session, name)
    script = f"{config.base_url.rstrip('/')}/api/v1/widget.js"
    snippet = (
        f'<script src="{script}" data-campaign="{campaign.public_id}" '
        'data-contact="CONTACT_EXTERNAL_ID" data-signature="SIGNATURE" async></script>'
    )
    key = widget_key(config.widget_signing_secret, campaign.public_id)
    return WidgetSetup(
        campaign=campaign.name,
        public_id=campaign.public_id,
        enabled=campaign.channel_widget,
        script=script,
        snippet=snippet,
        signature="hex(HMAC-SHA256(signing_key, data-contact as UTF-8))",
        signing_key=key if with_key else None,
        origins=list(config.widget_origins),
    )


def new_token() -> str:
    return secrets.token_urlsafe(24)
