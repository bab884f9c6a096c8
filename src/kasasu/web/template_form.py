"""The onboarding template editor as a form, beside its YAML (docs/onboarding.md): a new
template or the latest version of one, its stages and steps added, removed and moved by the
form's buttons, and saved through the same check and versioning as the YAML
(``onboarding.templates``), each problem under its box. Either view opens what was typed in
the other."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from kasasu.domain.account_fields import BY_NAME, KPI_FILTERS
from kasasu.domain.checked import load_yaml
from kasasu.domain.choices import StepSide
from kasasu.domain.permissions import Action, can
from kasasu.errors import InvalidInput
from kasasu.kit.choices import LabelledChoice
from kasasu.kit.i18n import _
from kasasu.onboarding.schemas import TemplateRead
from kasasu.onboarding.templates import (
    get_template,
    list_templates,
    save_template,
    validate_template,
)
from kasasu.segments.service import list_segments
from kasasu.users.schemas import UserRead
from kasasu.users.service import list_users
from kasasu.web.auth import CurrentUser, check_csrf, require
from kasasu.web.context import in_transaction
from kasasu.web.render import Pages, PagesDep, request_locale
from kasasu.web.template_fields import (
    MAX_LINKS,
    TemplateFields,
    box_names,
    change,
    definition_of,
    fields_of,
    form_errors,
    read_form,
)

YAML_SOURCE = "template.yaml"  # what the YAML tab's text is called in its errors
NEW = "/onboarding/new-template"

router = APIRouter(include_in_schema=False)


async def posted_form(request: Request) -> dict[str, str]:
    """The posted boxes by name (their names are made by the form: no fixed list)."""
    form = await request.form()
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


Posted = Annotated[dict[str, str], Depends(posted_form)]


@router.get(NEW, response_class=HTMLResponse)
def new_template_form(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    return _page(request, pages, user, TemplateFields(), None)


@router.get("/onboarding/templates/{name}/form", response_class=HTMLResponse)
def template_form(request: Request, name: str, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    shown = in_transaction(request, lambda s: get_template(s, name))
    return _page(request, pages, user, fields_of(shown.definition), shown)


@router.post(NEW, response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def post_new_template(
    request: Request, user: CurrentUser, pages: PagesDep, posted: Posted
) -> Response:
    return _posted(request, pages, user, posted, None)


@router.post(
    "/onboarding/templates/{name}/form",
    response_class=HTMLResponse,
    dependencies=[Depends(check_csrf)],
)
def post_template_form(
    request: Request, name: str, user: CurrentUser, pages: PagesDep, posted: Posted
) -> Response:
    shown = in_transaction(request, lambda s: get_template(s, name))
    return _posted(request, pages, user, posted, shown)


def _posted(
    request: Request,
    pages: Pages,
    user: UserRead,
    posted: Mapping[str, str],
    shown: TemplateRead | None,
) -> Response:
    """A button of the form: add, remove or move a part; check; show as YAML; save. Or the
    YAML tab's text, opened in the form."""
    require(user, Action.DELETE)  # leaders and admins configure onboarding
    action = posted.get("action", "check")
    if action == "form":
        return _from_yaml(request, pages, user, posted.get("text", ""), shown)
    form = read_form(posted)
    focus = change(form, action)
    if focus is not None:
        return _page(request, pages, user, form, shown, focus=focus)
    data = definition_of(form)
    if action == "yaml":
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        return _yaml_page(request, pages, user, text, shown)
    try:
        definition = validate_template(data, form.name or "—")
    except InvalidInput as error:
        errors = form_errors(error, data, request_locale(request))
        order = box_names(form, KPI_FILTERS)
        first = next((n for n in order if n in errors and not n.endswith(_LISTS)), None)
        focus = f"{first}_ja" if first and first.endswith("title") else first
        others = {n: e for n, e in errors.items() if n not in order}
        return _page(
            request, pages, user, form, shown, status=422, errors=errors, others=others, focus=focus
        )
    if action == "save":
        saved = in_transaction(request, lambda s: save_template(s, definition))
        return RedirectResponse(f"/onboarding/templates/{saved.name}/form", status_code=303)
    return _page(request, pages, user, form, shown, checked=True)


_LISTS = ("stages", "steps", "links", "applies_to")  # problems of a list: no box to focus


def _from_yaml(
    request: Request, pages: Pages, user: UserRead, text: str, shown: TemplateRead | None
) -> Response:
    try:
        data = load_yaml(text, YAML_SOURCE)
        if not isinstance(data, Mapping):
            raise InvalidInput(_("A template is a mapping: name, title, stages and so on"))
    except InvalidInput as error:
        return _yaml_page(request, pages, user, text, shown, status=422, error=error, problems=[])
    return _page(request, pages, user, fields_of(data), shown)


def _page(
    request: Request,
    pages: Pages,
    user: UserRead,
    form: TemplateFields,
    shown: TemplateRead | None,
    *,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    def load(session: Session) -> dict[str, Any]:
        people = {str(u.id): u.name for u in list_users(session)}
        return {"people": people, "segments": [s.name for s in list_segments(session)]}

    loaded = in_transaction(request, load)
    locale = request_locale(request)
    return pages.render(
        request,
        "onboarding_template_form.html",
        status,
        user=user,
        form=form,
        shown=shown,
        action=f"/onboarding/templates/{shown.name}/form" if shown else NEW,
        can_edit=can(user.role, Action.DELETE),
        account_fields=_account_fields(locale, loaded["people"]),
        segments=loaded["segments"],
        sides=list(StepSide),
        max_links=MAX_LINKS,
        **values,
    )


def _account_fields(
    locale: str, people: Mapping[str, str]
) -> list[tuple[str, str, list[tuple[str, str]] | None]]:
    """The account fields a template may ask for: (name, label, choices or None for text)."""
    found = []
    for name in KPI_FILTERS:
        field = BY_NAME[name]
        choices: list[tuple[str, str]] | None = None
        if isinstance(field.type, type) and issubclass(field.type, LabelledChoice):
            choices = [(c.value, c.label.render(locale)) for c in field.type]
        elif name == "owner_id":
            choices = sorted(people.items(), key=lambda p: p[1])
        found.append((name, field.label.render(locale), choices))
    return found


def _yaml_page(
    request: Request,
    pages: Pages,
    user: UserRead,
    text: str,
    shown: TemplateRead | None,
    *,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    """The YAML tab with ``text`` in its box (not saved)."""
    found = in_transaction(request, list_templates)
    return pages.render(
        request,
        "onboarding_templates.html",
        status,
        user=user,
        templates=found,
        can_edit=can(user.role, Action.DELETE),
        text=text,
        shown=shown,
        **values,
    )
