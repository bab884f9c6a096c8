"""Ownership (担当の割り当て): each CSM's accounts against their capacity, the rules that give
accounts without a CSM their owner, what the rules would do now, and a button to do it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.domain.choices import OwnerMethod
from kasasu.domain.permissions import Action, can
from kasasu.errors import InvalidInput
from kasasu.kit.types import MAX_INTEGER, is_row_id
from kasasu.ownership.service import (
    OWNER_ROLES,
    apply_rules,
    capacity,
    delete_rule,
    list_rules,
    move_rule,
    plan_assignments,
    save_rule,
    validate_rule,
)
from kasasu.segments.service import list_segments
from kasasu.users.schemas import UserRead
from kasasu.users.service import list_users, set_account_capacity
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction
from kasasu.web.forms import typed
from kasasu.web.render import Pages, PagesDep

PLANNED_SHOWN = 50  # rows of the preview; its counts cover every account

router = APIRouter(include_in_schema=False)


def _page(
    request: Request, pages: Pages, user: UserRead, status: int = 200, **values: Any
) -> HTMLResponse:
    def load(session: Session) -> dict[str, Any]:
        return {
            "capacity": capacity(session),
            "rules": list_rules(session),
            "plan": plan_assignments(session),
            "people": [u for u in list_users(session) if u.is_active and u.role in OWNER_ROLES],
            "segments": list_segments(session),
        }

    return pages.render(
        request,
        "ownership.html",
        status,
        user=user,
        methods=list(OwnerMethod),
        shown=PLANNED_SHOWN,
        can_edit=can(user.role, Action.DELETE),
        **in_transaction(request, load),
        **{"form": {}, **values},
    )


@router.get("/ownership", response_class=HTMLResponse)
def ownership_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    require(user, Action.WRITE)
    return _page(request, pages, user)


@router.post("/ownership/rules", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
async def store_rule(request: Request, user: CurrentUser, pages: PagesDep) -> Response:
    require(user, Action.DELETE)  # leaders and admins decide who gets which accounts
    posted = await request.form()
    form = typed({k: posted.get(k) for k in ("name", "condition", "segment", "method", "enabled")})
    chosen = [str(v) for v in posted.getlist("owners")]
    data = {
        "name": form["name"],
        "condition": form["condition"] or None,
        "segment": form["segment"] or None,
        "method": form["method"],
        "owners": [int(v) for v in chosen if is_row_id(v)],
        "enabled": form.get("enabled") == "on",
    }
    try:
        rule = validate_rule(data, "form")
        in_transaction(request, lambda s: save_rule(s, rule))
    except InvalidInput as error:
        return _page(request, pages, user, 422, form={**form, "owners": chosen}, error=error)
    return RedirectResponse("/ownership#rules", status_code=303)


@router.post("/ownership/rules/{rule_id}/move", dependencies=[Depends(check_csrf)])
def move(
    request: Request, rule_id: int, user: CurrentUser, step: Annotated[int, Form()] = 0
) -> Response:
    require(user, Action.DELETE)
    in_transaction(request, lambda s: move_rule(s, rule_id, -1 if step < 0 else 1))
    return RedirectResponse("/ownership#rules", status_code=303)


@router.post("/ownership/rules/{rule_id}/delete", dependencies=[Depends(check_csrf)])
def delete(request: Request, rule_id: int, user: CurrentUser) -> Response:
    require(user, Action.DELETE)
    in_transaction(request, lambda s: delete_rule(s, rule_id))
    return RedirectResponse("/ownership#rules", status_code=303)


@router.post("/ownership/capacity/{user_id}", dependencies=[Depends(check_csrf)])
def store_capacity(
    request: Request, user_id: int, user: CurrentUser, capacity: Annotated[str, Form()] = ""
) -> Response:
    require(user, Action.DELETE)
    text = capacity.strip()
    value = min(int(text), MAX_INTEGER) if text.isdigit() else None  # more is no limit at all
    in_transaction(request, lambda s: set_account_capacity(s, user_id, value))
    return RedirectResponse("/ownership#capacity", status_code=303)


@router.post("/ownership/apply", dependencies=[Depends(check_csrf)])
def apply(request: Request, user: CurrentUser) -> Response:
    require(user, Action.DELETE)
    in_transaction(request, lambda s: apply_rules(s, by=user.id))
    return RedirectResponse("/ownership#unowned", status_code=303)
