"""Who is asking from a product's page: an environment's public key, an origin it lists, an
account that exists and a user whose identity the product's server signed. Every refusal
is the same, so a caller learns nothing about which part was wrong."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from sqlalchemy.orm import Session

from kasasu.accounts.service import account_ids
from kasasu.errors import PermissionDenied
from kasasu.guides.repository import EnvironmentRepository
from kasasu.guides.schemas import SdkIdentity
from kasasu.kit.i18n import _
from kasasu.models import SdkEnvironment


@dataclass(frozen=True)
class Verified:
    environment: SdkEnvironment
    account_id: int


def signature_of(secret: str, account: str, user: str) -> str:
    """What the product's server computes for a user (docs/sdk.md)."""
    return hmac.new(secret.encode(), f"{account}:{user}".encode(), hashlib.sha256).hexdigest()


def portal_signature_of(secret: str, account: str, user: str, issued_at: int) -> str:
    """What the product's server computes to send its user into the customer portal: bound
    to the moment (Unix seconds), so a signature seen once cannot open a session later."""
    signed = f"portal:{account}:{user}:{issued_at}"
    return hmac.new(secret.encode(), signed.encode(), hashlib.sha256).hexdigest()


def verified(
    session: Session, who: SdkIdentity, origin: str | None, *, issued_at: int | None = None
) -> Verified:
    """``issued_at`` given: the signature must be the portal's (portal_signature_of)."""
    env = EnvironmentRepository(session).by_public_key(who.environment)
    refused = PermissionDenied(_("These events are not accepted"))
    if env is None or not env.enabled or (origin or "").rstrip("/") not in env.origins:
        raise refused
    expected = (
        signature_of(env.secret, who.account, who.user)
        if issued_at is None
        else portal_signature_of(env.secret, who.account, who.user, issued_at)
    )
    if not who.signature or not hmac.compare_digest(expected, who.signature.lower()):
        raise refused
    found = account_ids(session, [who.account]).get(who.account)
    if found is None:
        raise refused
    return Verified(env, found)
