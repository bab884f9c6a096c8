"""API keys: ``Authorization: Bearer KEY``; no key → 401, a role without the right → 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from kasasu.api.context import in_transaction
from kasasu.domain.permissions import Action, can
from kasasu.errors import PermissionDenied, Unauthenticated
from kasasu.kit.i18n import _
from kasasu.users.schemas import ApiKeyRead
from kasasu.users.service import authenticate_api_key

bearer = HTTPBearer(auto_error=False, description="An API key from `kasasu apikey create`")


def current_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> ApiKeyRead:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthenticated(_("Send an API key as 'Authorization: Bearer KEY'"))
    key = credentials.credentials
    found = in_transaction(request, lambda session: authenticate_api_key(session, key))
    request.state.api_key = found  # the actor of this request's writes (audit log)
    return found


def require(action: Action) -> Callable[[ApiKeyRead], ApiKeyRead]:
    def check(key: Annotated[ApiKeyRead, Depends(current_key)]) -> ApiKeyRead:
        if not can(key.role, action):
            raise PermissionDenied(
                _("The role {role} may not {action}", role=key.role.value, action=action.value)
            )
        return key

    return check
