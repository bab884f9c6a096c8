"""Public survey pages, no sign-in: the personal link (/s/{link}) and the campaign's hosted
page (/s/c/{public_id}). The link itself says who answers; the hosted page only emails a
person of the campaign's audience their personal link and answers every email the same
(security review F8), at most KASASU_LIMITS__SURVEY_PAGE_PER_ADDRESS times a window per
client address (then the 429 page with Retry-After). The forms carry the session's CSRF
token like every form of the site. Every outcome is a page in Japanese or English: 200 for
the form, "link sent", thanks and "already answered", 400 for a forged link, 404 for an
unknown campaign, 410 for an expired link or a closed campaign."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Form, Request
from fastapi.responses import HTMLResponse

from kasasu.errors import InvalidInput
from kasasu.kit.i18n import LOCALES
from kasasu.surveys.answers import Answer, SurveyPage, answer_link, open_campaign, open_link
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.hosted import request_link
from kasasu.web.auth import check_csrf
from kasasu.web.context import client_address, in_transaction, web_context
from kasasu.web.render import SESSION_LOCALE, Pages, PagesDep

STATUS = {"forged": 400, "unknown": 404, "expired": 410, "closed": 410}


def _config(request: Request) -> SurveyConfig:
    config = web_context(request).surveys
    if config is None:  # pragma: no cover - create_app always sets it
        raise RuntimeError("surveys are not configured")
    return config


def _score(raw: str) -> int | None:
    try:
        return int(raw)
    except ValueError:
        return None


router = APIRouter(include_in_schema=False)


def show(
    request: Request, pages: Pages, page: SurveyPage, action: str, **values: Any
) -> HTMLResponse:
    """The survey page in the language chosen on it, else the invitation's."""
    chosen = request.query_params.get("lang")
    if chosen in LOCALES:  # the language switch, remembered for the visit
        request.session[SESSION_LOCALE] = chosen
    else:
        chosen = request.session.get(SESSION_LOCALE)
    locale = chosen if chosen in LOCALES else page.locale
    status = 422 if values.get("error") else STATUS.get(page.state, 200)
    return pages.render(
        request,
        "survey.html",
        status,
        page=page,
        action=action,
        page_locale=locale,
        **values,
    )


@router.get("/s/c/{public_id}", response_class=HTMLResponse)
def hosted_page(request: Request, public_id: str, pages: PagesDep) -> HTMLResponse:
    page = in_transaction(request, lambda s: open_campaign(s, public_id, "page"))
    return show(request, pages, page, f"/s/c/{public_id}", hosted=True, form={})


@router.post("/s/c/{public_id}", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def ask_for_link(
    request: Request,
    public_id: str,
    background: BackgroundTasks,
    pages: PagesDep,
    email: Annotated[str, Form()] = "",
) -> HTMLResponse:
    ctx, now, action = web_context(request), datetime.now(UTC), f"/s/c/{public_id}"
    ctx.survey_guard.check_page(client_address(request))  # Throttled: the 429 page
    config = _config(request)
    try:
        asked = in_transaction(
            request,
            lambda s: request_link(s, config, public_id, email, now, guard=ctx.survey_guard),
        )
    except InvalidInput as error:
        opened = in_transaction(request, lambda s: open_campaign(s, public_id, "page"))
        return show(request, pages, opened, action, hosted=True, error=error, form={"email": email})
    if asked.deliver is not None:
        background.add_task(asked.deliver)  # after the page: known emails answer as fast
    return show(request, pages, asked.page, action, hosted=True, form={}, email=email)


@router.get("/s/{link}", response_class=HTMLResponse)
def personal_page(request: Request, link: str, pages: PagesDep) -> HTMLResponse:
    now = datetime.now(UTC)
    page = in_transaction(request, lambda s: open_link(s, _config(request), link, now))
    return show(request, pages, page, f"/s/{link}", form={})


@router.post("/s/{link}", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def answer_personal(
    request: Request,
    link: str,
    pages: PagesDep,
    score: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> HTMLResponse:
    config, now, answer = _config(request), datetime.now(UTC), Answer(_score(score), comment)
    try:
        page = in_transaction(request, lambda s: answer_link(s, config, link, answer, now))
    except InvalidInput as error:
        opened = in_transaction(request, lambda s: open_link(s, config, link, now))
        form = {"score": score, "comment": comment}
        return show(request, pages, opened, f"/s/{link}", error=error, form=form)
    return show(request, pages, page, f"/s/{link}", form={})
