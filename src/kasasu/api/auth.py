"""API keys: ``Authorization: Bearer KEY``; no key, or an unknown, revoked or expired one → 401;
a role without the right, or scopes that do not cover the route's family → 403."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from kasasu.api.context import context, in_transaction
from kasasu.domain.permissions import Action, can, scope_allows
from kasasu.errors import PermissionDenied, Unauthenticated
from kasasu.kit.i18n import _
from kasasu.users.schemas import ApiKeyRead
from kasasu.users.service import authenticate_api_key, hash_key

bearer = HTTPBearer(auto_error=False, description="An API key from `kasasu apikey create`")


async def current_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiKeyRead:
    """The request's key. One found valid less than ``KEY_RECHECK_SECONDS`` ago is not
    looked up again (the lookup was a third of a read's time, issue 21): async, so a
    remembered key costs no worker thread; the lookup runs in one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated(_("Send an API key as 'Authorization: Bearer KEY'"))
    key = credentials.credentials
    digest = hash_key(key)
    remembered = context(request).api_keys
    found = remembered.get(digest)
    if found is None or (found.expires_at is not None and found.expires_at <= datetime.now(UTC)):
        address = request.client.host if request.client else None
        found = await run_in_threadpool(
            in_transaction, request, lambda session: authenticate_api_key(session, key, address)
        )
        remembered.put(digest, found)
    request.state.api_key = found  # the actor of this request's writes (audit log)
    return found


def _family(request: Request) -> str:
    """The route's resource family: the first segment of the matched route's path under
    /api/v1 (the route's template, not the raw path a client could dress up)."""
    route = request.scope.get("route")
    path = str(getattr(route, "path", None) or request.scope["path"])
    root = str(request.scope.get("root_path", ""))
    if root and path.startswith(root):
        path = path[len(root) :]
    return path.lstrip("/").split("/", 1)[0]


def require(action: Action) -> Callable[..., Awaitable[ApiKeyRead]]:
    # async: a check of the key's role and scopes needs no worker thread.
    async def check(
        request: Request, key: Annotated[ApiKeyRead, Depends(current_key)]
    ) -> ApiKeyRead:
        if not can(key.role, action):
            raise PermissionDenied(
                _("The role {role} may not {action}", role=key.role.value, action=action.value)
            )
        family = _family(request)
        if not scope_allows(key.scopes, action, family):
            raise PermissionDenied(
                _(
                    "The key's scopes ({scopes}) do not allow {action} on {family}",
                    scopes=" ".join(key.scopes or ()),
                    action=action.value,
                    family=family,
                )
            )
        return key

    return check
