"""The knowledge base for the team: articles (ja/en editor with a sanitised preview),
categories, readers' comments, and the two reports (searches that found nothing, articles
read before a ticket)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from kasasu.domain.permissions import Action, can
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import _
from kasasu.kit.validation import pydantic_reason
from kasasu.knowledge.reports import before_ticket_report, not_found_report
from kasasu.knowledge.schemas import ArticleCreate, ArticleUpdate, CategoryCreate
from kasasu.knowledge.service import (
    create_article,
    create_category,
    delete_article,
    delete_category,
    get_article,
    list_articles,
    list_categories,
    list_comments,
    preview,
    resolve_comment,
    staff_search,
    update_article,
)
from kasasu.web.auth import CurrentUser, check_csrf, require, signed_in_user
from kasasu.web.context import in_transaction
from kasasu.web.render import PagesDep, request_locale

router = APIRouter(include_in_schema=False)
REPORT_DAYS = 30  # the reports' default period, up to today
BEFORE_TICKET_DAYS = 7  # an article read this many days before a ticket counts


@router.get("/knowledge", response_class=HTMLResponse)
def articles_page(
    request: Request, user: CurrentUser, pages: PagesDep, q: str = "", category: str = ""
) -> HTMLResponse:
    locale = request_locale(request)
    chosen = int(category) if category.isdigit() else None
    found, categories, hits = in_transaction(
        request,
        lambda s: (
            list_articles(s, locale, chosen),
            list_categories(s),
            staff_search(s, q, locale) if q.strip() else None,
        ),
    )
    return pages.render(
        request, "knowledge.html", user=user, articles=found, categories=categories,
        chosen=chosen, q=q, hits=hits, can_write=can(user.role, Action.WRITE),
    )  # fmt: skip


def _form(request_form: Any) -> dict[str, Any]:
    """The editor's fields as the article's schema reads them (empty text: none)."""
    text = {k: (str(request_form.get(k) or "").strip() or None) for k in
            ("slug", "title_ja", "title_en", "category_id", "position")}  # fmt: skip
    bodies = {k: (str(request_form.get(k) or "") or None) for k in ("body_ja", "body_en")}
    related = [int(v) for v in request_form.getlist("related") if str(v).isdigit()]
    return {**{k: v for k, v in text.items() if v is not None}, **bodies,
            "published": request_form.get("published") == "on", "related": related}  # fmt: skip


def _invalid(error: ValidationError) -> InvalidInput:
    fields = [
        FieldError(tuple(i["loc"]), pydantic_reason(i), i.get("input")) for i in error.errors()
    ]
    return InvalidInput(_("The article was not saved"), fields)


def _editor(
    request: Request, pages: PagesDep, user: Any, article: Any, values: dict[str, Any], *,
    error: InvalidInput | None = None,
) -> HTMLResponse:  # fmt: skip
    locale = request_locale(request)
    categories, others, comments = in_transaction(
        request,
        lambda s: (
            list_categories(s),
            list_articles(s, locale).items,
            list_comments(s, article.id) if article else [],
        ),
        write=False,
    )
    return pages.render(
        request, "knowledge_article.html", 422 if error else 200, user=user, article=article,
        values=values, categories=categories, others=[a for a in others if not article or
        a.id != article.id], comments=comments, error=error, can_write=can(user.role, Action.WRITE),
    )  # fmt: skip


@router.get("/knowledge/new", response_class=HTMLResponse)
def new_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    require(user, Action.WRITE)
    return _editor(request, pages, user, None, {"related": []})


@router.post("/knowledge/new", dependencies=[Depends(check_csrf)])
async def post_new(request: Request, user: CurrentUser, pages: PagesDep) -> Response:
    require(user, Action.WRITE)
    values = _form(await request.form())
    try:
        body = ArticleCreate.model_validate(values)
        made = in_transaction(request, lambda s: create_article(s, body, user.id))
    except ValidationError as error:
        return _editor(request, pages, user, None, values, error=_invalid(error))
    except InvalidInput as error:
        return _editor(request, pages, user, None, values, error=error)
    return RedirectResponse(f"/knowledge/{made.id}", status_code=303)


@router.post(
    "/knowledge/preview",
    response_class=HTMLResponse,
    dependencies=[Depends(check_csrf), Depends(signed_in_user)],
)
async def post_preview(request: Request) -> HTMLResponse:
    """The Markdown of the tab being edited, as readers will see it (htmx swaps it in)."""
    form = await request.form()
    text = next((str(form[k]) for k in ("body_ja", "body_en") if k in form), "")
    return HTMLResponse(preview(text) or "<p>—</p>")


@router.get("/knowledge/categories", response_class=HTMLResponse)
def categories_page(request: Request, user: CurrentUser, pages: PagesDep) -> HTMLResponse:
    categories = in_transaction(request, list_categories)
    return pages.render(
        request, "knowledge_categories.html", user=user, categories=categories,
        can_write=can(user.role, Action.WRITE), error=None,
    )  # fmt: skip


@router.post("/knowledge/categories", dependencies=[Depends(check_csrf)])
def post_category(
    request: Request,
    user: CurrentUser,
    *,
    slug: Annotated[str, Form()],
    name_ja: Annotated[str, Form()],
    name_en: Annotated[str, Form()],
    position: Annotated[int, Form(ge=0, le=10_000)] = 0,
) -> Response:
    require(user, Action.WRITE)
    body = CategoryCreate(slug=slug.strip(), name_ja=name_ja, name_en=name_en, position=position)
    in_transaction(request, lambda s: create_category(s, body))
    return RedirectResponse("/knowledge/categories", status_code=303)


@router.post("/knowledge/categories/{category_id}/delete", dependencies=[Depends(check_csrf)])
def post_delete_category(request: Request, category_id: int, user: CurrentUser) -> Response:
    require(user, Action.DELETE)
    in_transaction(request, lambda s: delete_category(s, category_id))
    return RedirectResponse("/knowledge/categories", status_code=303)


def _period(text_from: str, text_to: str, today: datetime) -> tuple[datetime, datetime]:
    """[from, to + 1 day) from YYYY-MM-DD fields, else the last REPORT_DAYS days."""
    try:
        until = datetime.fromisoformat(text_to).replace(tzinfo=UTC) if text_to else today
        since = datetime.fromisoformat(text_from).replace(tzinfo=UTC) if text_from else None
    except ValueError as error:
        raise InvalidInput(_("Write dates as YYYY-MM-DD")) from error
    until = until.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    return since or until - timedelta(days=REPORT_DAYS), until


@router.get("/knowledge/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    user: CurrentUser,
    pages: PagesDep,
    days: int = BEFORE_TICKET_DAYS,
) -> HTMLResponse:
    """?from=&to= (YYYY-MM-DD, both included; default the last 30 days) and ?days=."""
    locale = request_locale(request)
    query = request.query_params
    start, end = _period(query.get("from", ""), query.get("to", ""), datetime.now(UTC))
    missing, before = in_transaction(
        request,
        lambda s: (
            not_found_report(s, start, end),
            before_ticket_report(s, start, end, days, locale),
        ),
    )
    return pages.render(
        request, "knowledge_reports.html", user=user, missing=missing, before=before,
        shown_from=start.date(), shown_to=(end - timedelta(days=1)).date(), days=days,
    )  # fmt: skip


@router.post("/knowledge/comments/{comment_id}/resolve", dependencies=[Depends(check_csrf)])
def post_resolve(request: Request, comment_id: int, user: CurrentUser) -> Response:
    require(user, Action.WRITE)
    done = in_transaction(request, lambda s: resolve_comment(s, comment_id))
    return RedirectResponse(f"/knowledge/{done.article_id}#comments", status_code=303)


@router.get("/knowledge/{article_id}", response_class=HTMLResponse)
def article_page(
    request: Request, article_id: int, user: CurrentUser, pages: PagesDep
) -> HTMLResponse:
    article = in_transaction(request, lambda s: get_article(s, article_id))
    return _editor(request, pages, user, article, article.model_dump())


@router.post("/knowledge/{article_id}", dependencies=[Depends(check_csrf)])
async def post_article(
    request: Request, article_id: int, user: CurrentUser, pages: PagesDep
) -> Response:
    require(user, Action.WRITE)
    values = _form(await request.form())
    article = in_transaction(request, lambda s: get_article(s, article_id), write=False)
    try:
        body = ArticleUpdate.model_validate(
            {"title_ja": None, "title_en": None, "category_id": None, **values}
        )
        in_transaction(request, lambda s: update_article(s, article_id, body))
    except ValidationError as error:
        return _editor(request, pages, user, article, values, error=_invalid(error))
    except InvalidInput as error:
        return _editor(request, pages, user, article, values, error=error)
    return RedirectResponse(f"/knowledge/{article_id}", status_code=303)


@router.post("/knowledge/{article_id}/delete", dependencies=[Depends(check_csrf)])
def post_delete(request: Request, article_id: int, user: CurrentUser) -> Response:
    require(user, Action.DELETE)
    in_transaction(request, lambda s: delete_article(s, article_id))
    return RedirectResponse("/knowledge", status_code=303)
