"""Users, password hashing (argon2) and API keys (shown once, stored as a hash)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from kasasu.domain.choices import Role
from kasasu.domain.permissions import parse_scopes
from kasasu.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unauthenticated
from kasasu.kit.i18n import LOCALES, _
from kasasu.models import ApiKey, SavedView, User
from kasasu.users.repository import ApiKeyRepository, SavedViewRepository, UserRepository
from kasasu.users.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    ProviderIdentity,
    SsoPolicy,
    UserCreate,
    UserRead,
)

KEY_PREFIX = "ksu_"
# Writing last_used_at on every request would make each API call a write; once a minute is enough.
_LAST_USED_RESOLUTION = timedelta(minutes=1)
MIN_PASSWORD_LENGTH = 8
# An argon2id hash (argon2-cffi's defaults: 64 MiB, t=3, p=4) of a random password nobody
# knows: an email without a usable password is checked against it, so that signing in as an
# unknown email costs the same as a known one and its timing tells nothing.
DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$tpafQBt3JDYsAroSZwKbNA"
    "$eQ0twPk96bmSiUuGn4MEBIVKd8oGQXvjAeIuNlxrdhk"
)


def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_user(session: Session, data: UserCreate) -> UserRead:
    repo = UserRepository(session)
    if repo.get_by_email(data.email) is not None:
        raise Conflict(_("A user with email {email} already exists", email=data.email))
    password = data.password.get_secret_value() if data.password else None
    user = User(
        email=data.email,
        name=data.name,
        role=data.role,
        password_hash=_hasher().hash(password) if password else None,
        locale=data.locale,
        timezone=data.timezone,
    )
    return UserRead.model_validate(repo.add(user))


def get_user_by_email(session: Session, email: str) -> UserRead | None:
    user = UserRepository(session).get_by_email(email)
    return UserRead.model_validate(user) if user else None


def get_user(session: Session, user_id: int) -> UserRead | None:
    """An active user by id (None when gone or deactivated: a web session then ends)."""
    user = UserRepository(session).get(user_id)
    return UserRead.model_validate(user) if user is not None and user.is_active else None


def session_user(session: Session, user_id: int, generation: int) -> UserRead | None:
    """The user of a web session: active, and signed in since the sessions last ended."""
    user = get_user(session, user_id)
    return user if user is not None and user.session_generation == generation else None


def _user_by_email(session: Session, email: str) -> User:
    user = UserRepository(session).get_by_email(email)
    if user is None:
        raise NotFound(_("{noun} {id} does not exist", noun=_("User"), id=email))
    return user


def _end_sessions(user: User) -> int:
    user.session_generation += 1
    return user.session_generation


def end_sessions(session: Session, user_id: int) -> None:
    """Sign the user out everywhere: every web session of theirs ends."""
    user = UserRepository(session).get(user_id)
    if user is not None:
        _end_sessions(user)
        session.flush()


def sign_out_everywhere(session: Session, email: str) -> UserRead:
    user = _user_by_email(session, email)
    _end_sessions(user)
    session.flush()
    return UserRead.model_validate(user)


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(_("A password needs at least {n} characters", n=MIN_PASSWORD_LENGTH))


def set_password(session: Session, email: str, password: str) -> UserRead:
    """An administrator sets a user's password; every session of the user ends."""
    _check_new_password(password)
    user = _user_by_email(session, email)
    user.password_hash = _hasher().hash(password)
    _end_sessions(user)
    session.flush()
    return UserRead.model_validate(user)


def change_password(session: Session, user_id: int, current: str, new: str) -> UserRead:
    """The signed-in user changes their own password, proving the current one; every session of
    theirs ends (the caller re-signs the one that asked, with the returned generation)."""
    user = UserRepository(session).get(user_id)
    if user is None or not user.is_active:
        raise NotFound(_("{noun} {id} does not exist", noun=_("User"), id=user_id))
    try:
        _hasher().verify(user.password_hash or "", current)
    except (VerificationError, InvalidHashError) as exc:
        raise InvalidInput(_("The current password is wrong")) from exc
    _check_new_password(new)
    user.password_hash = _hasher().hash(new)
    _end_sessions(user)
    session.flush()
    return UserRead.model_validate(user)


def deactivate_user(session: Session, email: str) -> UserRead:
    """The user can no longer sign in; their sessions end and their API keys stop working."""
    user = _user_by_email(session, email)
    user.is_active = False
    _end_sessions(user)
    session.flush()
    return UserRead.model_validate(user)


def activate_user(session: Session, email: str) -> UserRead:
    user = _user_by_email(session, email)
    user.is_active = True
    session.flush()
    return UserRead.model_validate(user)


def user_names(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """User id → name, for the ids that exist (one query)."""
    wanted = sorted({i for i in ids if i is not None})
    return {u.id: u.name for u in UserRepository(session).list_by_ids(wanted)}


def set_account_capacity(session: Session, user_id: int, capacity: int | None) -> UserRead:
    """How many accounts the ownership rules may give the user (None: no limit)."""
    if capacity is not None and capacity < 0:
        raise InvalidInput(_("A capacity is a number of accounts, 0 or more"))
    user = UserRepository(session).get(user_id)
    if user is None:
        raise NotFound(_("User {id} does not exist", id=user_id))
    user.account_capacity = capacity
    session.flush()
    return UserRead.model_validate(user)


def list_users(session: Session) -> list[UserRead]:
    return [UserRead.model_validate(u) for u in UserRepository(session).list_all()]


def list_api_keys(session: Session) -> list[ApiKeyRead]:
    return [ApiKeyRead.model_validate(k) for k in ApiKeyRepository(session).list_all()]


def set_preferences(session: Session, user_id: int, locale: str | None, zone: str | None) -> None:
    """A user's own language and time zone (None: the browser's, the deployment's)."""
    if locale is not None and locale not in LOCALES:
        raise InvalidInput(_("Unknown language {locale}", locale=locale))
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise InvalidInput(_("Unknown time zone {zone}", zone=zone)) from exc
    user = UserRepository(session).get(user_id)
    if user is None:
        raise NotFound(_("{noun} {id} does not exist", noun=_("User"), id=user_id))
    user.locale, user.timezone = locale, zone
    session.flush()


def saved_views(session: Session, user_id: int, page: str) -> list[tuple[int, str, str]]:
    """(id, name, query string) of a user's saved views of a list page."""
    return [(v.id, v.name, v.query) for v in SavedViewRepository(session).for_user(user_id, page)]


def save_view(session: Session, user_id: int, page: str, name: str, query: str) -> None:
    """Save (or overwrite) a named view; the query string is the list's filters."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("Give the view a name of 1 to 100 characters"))
    repo = SavedViewRepository(session)
    view = repo.named(user_id, page, name)
    if view is None:
        repo.add(SavedView(user_id=user_id, page=page, name=name, query=query[:2000]))
    else:
        view.query = query[:2000]
        session.flush()


def delete_view(session: Session, user_id: int, view_id: int) -> None:
    repo = SavedViewRepository(session)
    view = repo.get(view_id)
    if view is None or view.user_id != user_id:
        raise NotFound(_("{noun} {id} does not exist", noun=_("View"), id=view_id))
    repo.delete(view)


def verify_password(session: Session, email: str, password: str) -> UserRead:
    """The active user with this email and password; exactly one argon2 verification
    whether or not the email exists (see :data:`DUMMY_HASH`)."""
    user = UserRepository(session).get_by_email(email)
    stored = user.password_hash if user is not None and user.is_active else None
    try:
        _hasher().verify(stored or DUMMY_HASH, password)
    except (VerificationError, InvalidHashError) as exc:
        raise Unauthenticated(_("Wrong email or password")) from exc
    if user is None or not stored:  # pragma: no cover - nobody knows the dummy's password
        raise Unauthenticated(_("Wrong email or password"))
    return UserRead.model_validate(user)


def provider_role(policy: SsoPolicy, values: Iterable[str]) -> Role | None:
    """The Kasasu role that the provider's groups or roles give: the most powerful one
    mapped, else the policy's default (None: no role, the person is refused)."""
    mapped = {policy.role_map[v] for v in values if v in policy.role_map}
    ranked = [role for role in Role if role in mapped]  # Role lists the most powerful first
    return ranked[0] if ranked else policy.default_role


def sign_in_with_provider(
    session: Session, policy: SsoPolicy, identity: ProviderIdentity
) -> UserRead:
    """The user an OpenID Connect identity signs in as, with the role its claim gives now.

    Found by the provider's subject; at the first sign-in by a verified email (then linked),
    or created when the policy provisions users. Raises PermissionDenied, saying why, for a
    domain not allowed, no role, an unknown or deactivated user.
    """
    provider = policy.provider
    repo = UserRepository(session)
    user = repo.get_by_identity(policy.issuer, identity.subject)
    email = identity.email or (user.email if user else None)
    if not email:
        raise PermissionDenied(
            _("{provider} did not tell Kasasu your email address", provider=provider)
        )
    domain = email.rsplit("@", 1)[-1].lower()
    if policy.email_domains and domain not in policy.email_domains:
        raise PermissionDenied(
            _("Signing in with an email address at {domain} is not allowed here", domain=domain)
        )
    role = provider_role(policy, identity.roles)
    if role is None:
        raise PermissionDenied(
            _(
                "Your groups at {provider} give you no role in Kasasu; ask an administrator",
                provider=provider,
            )
        )
    if user is None:
        if policy.require_verified_email and not identity.email_verified:
            raise PermissionDenied(
                _(
                    "{provider} has not verified your email address {email}",
                    provider=provider,
                    email=email,
                )
            )
        user = repo.get_by_email(email)
        if user is not None and user.oidc_subject is not None:
            raise PermissionDenied(
                _(
                    "The Kasasu user {email} is linked to another {provider} account",
                    email=email,
                    provider=provider,
                )
            )
    if user is None:
        if not policy.provision:
            raise PermissionDenied(
                _(
                    "There is no Kasasu user for {email}; ask an administrator to create one",
                    email=email,
                )
            )
        name = (identity.name or "").strip() or email.split("@", 1)[0]
        created = create_user(session, UserCreate(email=email, name=name[:200], role=role))
        user = repo.get(created.id)
        assert user is not None  # just added in this transaction
    if not user.is_active:
        raise PermissionDenied(_("This Kasasu user is deactivated; ask an administrator"))
    user.oidc_issuer, user.oidc_subject = policy.issuer, identity.subject
    user.role = role
    session.flush()
    return UserRead.model_validate(user)


def checked_scopes(text: str) -> tuple[str, ...]:
    """Scopes as typed by a person ("read", "accounts:write, read"), checked."""
    try:
        return parse_scopes(text)
    except ValueError as exc:
        raise InvalidInput(
            _(
                "Unknown scope {scope}: use read, write or admin, alone or after a resource "
                "family (accounts:write)",
                scope=str(exc),
            )
        ) from exc


def create_api_key(session: Session, data: ApiKeyCreate) -> ApiKeyCreated:
    if data.user_id is not None and UserRepository(session).get(data.user_id) is None:
        raise NotFound(_("{noun} {id} does not exist", noun=_("User"), id=data.user_id))
    scopes = checked_scopes(" ".join(data.scopes)) if data.scopes is not None else None
    if data.expires_at is not None and data.expires_at <= datetime.now(UTC):
        raise InvalidInput(_("The expiry must be in the future"))
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKeyRepository(session).add(
        ApiKey(
            name=data.name,
            prefix=key[: len(KEY_PREFIX) + 6],
            key_hash=hash_key(key),
            role=data.role,
            user_id=data.user_id,
            scopes=" ".join(scopes) if scopes is not None else None,
            expires_at=data.expires_at,
        )
    )
    return ApiKeyCreated(**ApiKeyRead.model_validate(row).model_dump(), key=key)


def authenticate_api_key(session: Session, key: str, address: str | None = None) -> ApiKeyRead:
    """Return the key's record, or raise Unauthenticated for unknown, revoked or expired keys
    and keys of a deactivated user. Records when and from which address the key was last used
    (at most once a minute: not a write per request)."""
    row = ApiKeyRepository(session).get_by_hash(hash_key(key))
    if row is None or row.revoked_at is not None:
        raise Unauthenticated(_("Unknown or revoked API key"))
    now = datetime.now(UTC)
    if row.expires_at is not None and row.expires_at <= now:
        raise Unauthenticated(_("This API key has expired"))
    if row.user_id is not None:
        owner = UserRepository(session).get(row.user_id)
        if owner is None or not owner.is_active:
            raise Unauthenticated(_("This API key's user is deactivated"))
    if row.last_used_at is None or now - row.last_used_at > _LAST_USED_RESOLUTION:
        row.last_used_at = now
        row.last_used_from = address[:45] if address else None
        session.flush()
    return ApiKeyRead.model_validate(row)


def revoke_api_key(session: Session, key_id: int) -> None:
    row = ApiKeyRepository(session).get(key_id)
    if row is None:
        raise NotFound(_("{noun} {id} does not exist", noun=_("API key"), id=key_id))
    row.revoked_at = datetime.now(UTC)
    session.flush()
