"""Bulk actions from the accounts list: what would change is shown first (how many accounts,
the first names), and only the confirmation writes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kasasu.domain.permissions import Action
from kasasu.users.service import user_names
from kasasu.web.accounts import list_query_of
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction, playbook_config
from kasasu.web.render import PagesDep, ReportingDep
from kasasu.workspace import bulk

router = APIRouter(include_in_schema=False)


class BulkForm(BaseModel):
    """The list's bulk form: the accounts (ticked, or all the list's filters match, given as
    the list's own query string) and the action's fields ("" where not filled in)."""

    kind: bulk.BulkKind
    query: str = Field(default="", max_length=2000)
    scope: Literal["selected", "all"] = "selected"
    account_id: list[int] = []
    owner_id: str = Field(default="", max_length=20)
    touch_model: str = Field(default="", max_length=20)
    title: str = Field(default="", max_length=500)
    due_date: str = Field(default="", max_length=20)
    survey_kind: str = Field(default="", max_length=20)
    campaign: str = Field(default="", max_length=100)
    playbook: str = Field(default="", max_length=100)
    template: str = Field(default="", max_length=100)
    confirm: str = ""
    csrf_token: str = ""

    def action(self) -> bulk.BulkAction:
        fields = (
            "owner_id", "touch_model", "title", "due_date", "survey_kind", "campaign", "playbook",
            "template",
        )  # fmt: skip
        filled = {k: getattr(self, k) for k in fields if getattr(self, k)}
        return bulk.BulkAction.model_validate({"kind": self.kind, **filled})

    def repeated(self) -> list[tuple[str, str]]:
        """The fields to send again with the confirmation."""
        names = (
            "kind", "query", "scope", "owner_id", "touch_model", "title", "due_date",
            "survey_kind", "campaign", "playbook", "template",
        )  # fmt: skip
        return [(n, str(getattr(self, n))) for n in names] + [
            ("account_id", str(i)) for i in self.account_id
        ]


@router.post("/accounts/bulk", dependencies=[Depends(check_csrf)])
def bulk_action(
    request: Request,
    user: CurrentUser,
    pages: PagesDep,
    report: ReportingDep,
    form: Annotated[BulkForm, Form()],
) -> Response:
    require(user, Action.WRITE)
    action = form.action()
    chosen = None if form.scope == "all" else form.account_id
    listed, _mine = list_query_of(dict(parse_qsl(form.query)), user)
    today = report.today()

    def targets(session: Session) -> list[int]:
        return bulk.targets(session, listed, today, chosen)

    if form.confirm != "1":

        def look(session: Session) -> dict[str, Any]:
            owners = user_names(session, [action.owner_id] if action.owner_id else [])
            return {"preview": bulk.preview(session, targets(session)), "owners": owners}

        shown = in_transaction(request, look, write=False)
        return pages.render(
            request, "account_bulk.html", user=user, action=action, form=form, **shown
        )
    actor = bulk.Actor(
        user.id, user.name, datetime.now(UTC), playbook_config(request, report), report.locale
    )
    done = in_transaction(request, lambda s: bulk.apply(s, targets(s), action, today, actor))
    return RedirectResponse(f"/accounts?{form.query}&done={done}", status_code=303)
