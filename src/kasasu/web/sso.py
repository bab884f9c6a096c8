"""Single sign-on with an OpenID Connect provider (authorization code flow, Authlib).

Authlib does the protocol: discovery, state bound to this browser's session, PKCE (S256), a
nonce, and the ID token's signature (the provider's JWKS) and claims (iss, aud, exp, nonce).
Kasasu then decides who the person is and which role they have (users.service), and starts
the same web session as a password sign-in. Every failure is a page saying what went wrong.
"""

from __future__ import annotations

from typing import Any

import httpx
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.starlette_client import OAuth
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from joserfc.errors import JoseError
from starlette.concurrency import run_in_threadpool

from kasasu.errors import PermissionDenied, Unavailable
from kasasu.kit.i18n import Message, _
from kasasu.users.schemas import ProviderIdentity
from kasasu.users.service import sign_in_with_provider
from kasasu.web.auth import local_path, start_session
from kasasu.web.context import SsoConfig, in_transaction
from kasasu.web.render import Pages

SESSION_NEXT = "sso_next"
_TIMEOUT = 10.0  # seconds for each call to the provider (discovery, token, keys)


class _Failed(Exception):
    def __init__(self, status: int, message: Message) -> None:
        self.status, self.message = status, message


def sso_router(pages: Pages, config: SsoConfig) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    policy = config.policy
    provider = policy.provider
    oauth = OAuth()
    client: Any = oauth.register(
        name="kasasu",
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=f"{policy.issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": config.scopes,
            "code_challenge_method": "S256",
            "timeout": _TIMEOUT,
        },
    )

    def failed(request: Request, error: _Failed) -> HTMLResponse:
        return pages.render(request, "sso_error.html", error.status, message=error.message)

    async def discovered() -> None:
        """Load the provider's metadata once; its issuer must be the one configured."""
        try:
            metadata = await client.load_server_metadata()
        except (httpx.HTTPError, ValueError) as exc:
            raise _Failed(
                503, _("{provider} could not be reached; try again later", provider=provider)
            ) from exc
        if str(metadata.get("issuer", "")).rstrip("/") != policy.issuer:
            client.server_metadata.pop("_loaded_at", None)  # asked again: it may be fixed
            raise _Failed(
                503,
                _(
                    "{provider} names another issuer than KASASU_OIDC__ISSUER; check the setting",
                    provider=provider,
                ),
            )

    @router.get("/login/sso", name="sso_start")
    async def sso_start(request: Request, next: str = "/") -> Response:  # noqa: A002 - the URL's
        try:
            await discovered()
        except _Failed as error:
            return failed(request, error)
        request.session[SESSION_NEXT] = local_path(next)
        redirect_uri = config.redirect_url or str(request.url_for("sso_callback"))
        response: Response = await client.authorize_redirect(request, redirect_uri)
        return response

    @router.get("/login/sso/callback", name="sso_callback")
    async def sso_callback(request: Request) -> Response:
        try:
            await discovered()
            identity = await _identity(request)
            user = await run_in_threadpool(
                in_transaction,
                request,
                lambda s: sign_in_with_provider(s, policy, identity),
                write=True,
            )
        except _Failed as error:
            return failed(request, error)
        except (PermissionDenied, Unavailable) as error:
            status = 503 if isinstance(error, Unavailable) else 403
            return failed(request, _Failed(status, error.message))
        next_path = str(request.session.get(SESSION_NEXT) or "/")
        return start_session(request, user, next_path)

    async def _identity(request: Request) -> ProviderIdentity:
        if request.query_params.get("error"):
            raise _Failed(
                403,
                _(
                    "{provider} did not sign you in ({error})",
                    provider=provider,
                    error=request.query_params["error"][:100],
                ),
            )
        try:
            token = await client.authorize_access_token(request)
        except MismatchingStateError as exc:
            raise _Failed(
                400,
                _(
                    "This sign-in did not start in this browser or has expired; sign in again",
                ),
            ) from exc
        except httpx.HTTPError as exc:
            raise _Failed(
                503, _("{provider} could not be reached; try again later", provider=provider)
            ) from exc
        except (OAuthError, JoseError, ValueError, KeyError, RuntimeError) as exc:
            raise _Failed(
                400,
                _("The answer from {provider} could not be verified", provider=provider),
            ) from exc
        claims = token.get("userinfo")
        if not claims or not claims.get("sub"):
            raise _Failed(
                400, _("The answer from {provider} could not be verified", provider=provider)
            )
        return identity_from_claims(claims, policy.roles_claim)

    return router


def identity_from_claims(claims: dict[str, Any], roles_claim: str) -> ProviderIdentity:
    """The person in a verified ID token; ``roles_claim`` may be a dotted path
    (``realm_access.roles`` in Keycloak) to a list of strings or a single string."""
    value: Any = claims
    for part in roles_claim.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        roles: tuple[str, ...] = (value,)
    elif isinstance(value, list | tuple):
        roles = tuple(v for v in value if isinstance(v, str))
    else:  # absent, or a shape no provider documents: no values, so no mapped role
        roles = ()
    email = claims.get("email")
    verified = claims.get("email_verified")
    return ProviderIdentity(
        subject=str(claims["sub"]),
        email=email.strip() if isinstance(email, str) and "@" in email else None,
        email_verified=verified is True or str(verified).lower() == "true",
        name=str(claims["name"]) if claims.get("name") else None,
        roles=roles,
    )
