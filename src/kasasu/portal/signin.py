"""How a contact signs in to the portal: a single-use link emailed to them, or the identity
the product's server signed for the in-app SDK; and the session that follows, apart from
the staff's sessions.

A link request is answered the same for every email, known or not (the caller sends the
mail after answering); requests are limited per client address (beyond: Throttled) and
per email (beyond: no more mail, silently). Links and sessions keep only their token's
hash."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from kasasu.contacts.language import recorded_language
from kasasu.errors import FieldError, InvalidInput, PermissionDenied, Throttled
from kasasu.guides.identity import verified
from kasasu.guides.schemas import SdkIdentity
from kasasu.kit.i18n import _, translate
from kasasu.kit.mail import DeliveryError, send_email
from kasasu.kit.tokens import new_token, token_hash
from kasasu.models import Account, Contact, PortalLink, PortalSession
from kasasu.portal.config import PortalConfig
from kasasu.portal.repository import LinkRepository, PortalContactRepository, SessionRepository
from kasasu.portal.schemas import LinkAsked, Opened, PortalViewer, Via

MAX_EMAIL = 320
LINK_PATH = "/portal/sign-in/"
PRODUCT_SIGNATURE_SECONDS = 300  # as Stripe's webhooks: clocks a few minutes apart still agree


def request_link(
    session: Session,
    config: PortalConfig,
    email: str,
    *,
    address: str,
    now: datetime,
    locale: str,
) -> LinkAsked:
    """Make a sign-in link for the contact with ``email`` and return how to send it."""
    who = email.strip().lower()
    if "@" not in who or len(who) > MAX_EMAIL or any(c.isspace() for c in who):
        reason = _("Enter your email address")
        raise InvalidInput(reason, [FieldError(("body", "email"), reason, email)])
    wait = config.guard.addresses.hit(address)
    if wait:
        message = _(
            "Too many requests from your address. Try again in {seconds} seconds.", seconds=wait
        )
        raise Throttled(message, wait)
    if config.guard.emails.hit(who):  # enough links to this address for now
        return LinkAsked()
    contact = PortalContactRepository(session).by_email(who)
    if contact is None or not contact.email:
        return LinkAsked()
    token = new_token()
    link = LinkRepository(session).add(
        PortalLink(
            contact_id=contact.id,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + timedelta(minutes=config.link_minutes),
        )
    )
    payload = _link_mail(config, contact, token, locale)
    key = f"portal-link-{link.id}"

    def deliver() -> bool:
        try:
            send_email(payload, key, config.mail)
        except DeliveryError:
            return False
        return True

    return LinkAsked(deliver)


def _link_mail(
    config: PortalConfig, contact: Contact, token: str, locale: str
) -> dict[str, object]:
    portal = config.branding.name
    url = f"{config.base_url.rstrip('/')}{LINK_PATH}{token}"
    body = translate(
        "Hello {name},\n\nOpen this link within {minutes} minutes to sign in to {portal}:\n\n"
        "{url}\n\nThe link works once. If you did not ask for it, ignore this email.",
        locale,
        name=contact.name,
        minutes=config.link_minutes,
        portal=portal,
        url=url,
    )
    subject = translate("Your sign-in link to {portal}", locale, portal=portal)
    return {"to": [contact.email], "subject": subject, "body": body, "locale": locale}


def open_with_link(
    session: Session, config: PortalConfig, token: str, now: datetime
) -> Opened | None:
    """A session for the link's contact, using the link up; None when the link is unknown,
    used or expired (which of them is not said)."""
    contact_id = LinkRepository(session).redeem(token_hash(token[:200]), now)
    if contact_id is None:
        return None
    return _open(session, config, contact_id, "link", now)


def open_from_product(
    session: Session,
    config: PortalConfig,
    who: SdkIdentity,
    origin: str | None,
    now: datetime,
    *,
    issued_at: int,
) -> Opened:
    """A session for the contact the product's server signed (the SDK's identity: its
    environment's key, an origin it lists, the account and the user, HMAC-signed with the
    moment it was signed: kasasu.guides.identity.portal_signature_of), the user being the
    contact's external id or email at that account. A signature older (or newer) than
    PRODUCT_SIGNATURE_SECONDS is refused, so one seen in a page cannot be replayed later."""
    try:
        if abs(now.timestamp() - issued_at) > PRODUCT_SIGNATURE_SECONDS:
            raise PermissionDenied(_("This sign-in from the product is not accepted"))
        found = verified(session, who, origin, issued_at=issued_at)
    except PermissionDenied:
        raise PermissionDenied(_("This sign-in from the product is not accepted")) from None
    contact = PortalContactRepository(session).in_account(found.account_id, who.user)
    if contact is None:
        raise PermissionDenied(
            _(
                "Your user is not registered with this company; "
                "ask your account team to register you"
            )
        )
    return _open(session, config, contact.id, "sdk", now)


def _open(
    session: Session, config: PortalConfig, contact_id: int, via: Via, now: datetime
) -> Opened:
    found = PortalContactRepository(session).get(contact_id)
    if found is None:  # left the company after the link was sent
        raise PermissionDenied(_("This person can no longer sign in"))
    contact, account = found
    token = new_token()
    expires = now + timedelta(hours=config.session_hours)
    SessionRepository(session).add(
        PortalSession(
            contact_id=contact.id,
            token_hash=token_hash(token),
            via=via,
            created_at=now,
            expires_at=expires,
        )
    )
    return Opened(token, _viewer(contact, account, via), expires)


def viewer_of(session: Session, token: str | None, now: datetime) -> PortalViewer | None:
    """The contact whose live portal session ``token`` is (None: none, or it ended)."""
    if not token:
        return None
    found = SessionRepository(session).viewer(token_hash(token[:200]), now)
    if found is None:
        return None
    row, contact, account = found
    return _viewer(contact, account, row.via)


def end_session(session: Session, token: str | None) -> None:
    if token:
        SessionRepository(session).end(token_hash(token[:200]))
        session.flush()


def forget_expired(session: Session, now: datetime) -> int:
    """Delete ended sessions and links a day past their end; how many rows went."""
    return SessionRepository(session).end_expired(now) + LinkRepository(session).forget_before(
        now - timedelta(days=1)
    )


def _viewer(contact: Contact, account: Account, via: str) -> PortalViewer:
    return PortalViewer(
        contact_id=contact.id,
        name=contact.name,
        email=contact.email,
        account_id=account.id,
        account=account.name,
        via=via,
        locale=recorded_language(contact, account),
    )
