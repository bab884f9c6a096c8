"""Templates with the user's language, number and date formats, and the CSRF token."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent, get_currency_symbol
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import BaseModel, ValidationError

from kasasu import __version__
from kasasu.audit.display import as_choice
from kasasu.domain.account_fields import filter_words
from kasasu.domain.money import Amounts, format_money, minor_digits
from kasasu.domain.reporting import Reporting
from kasasu.domain.scoring import band_label
from kasasu.kit.choices import label as choice_label
from kasasu.kit.csrf import session_token
from kasasu.kit.i18n import LOCALES, negotiate_locale, translate
from kasasu.kit.security_headers import csp_nonce
from kasasu.kit.types import local_text
from kasasu.web import navigation
from kasasu.web.context import web_context
from kasasu.web.forms import field_errors
from kasasu.web.sparkline import sparkline

M = TypeVar("M", bound=BaseModel)
TEMPLATES = Path(__file__).resolve().parent / "templates"
SESSION_LOCALE = "locale"


def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.globals["nav_sections"] = navigation.sections_for
    env.globals["nav_current"] = navigation.current
    env.globals["sparkline"] = sparkline
    env.globals["web_url"] = web_url
    return env


def web_url(url: object) -> bool:
    """Whether ``url`` may be a link on a page: an http or https address, nothing else (no
    ``javascript:`` or ``data:``, nor a scheme hidden behind spaces or control characters)."""
    if not isinstance(url, str) or any(c.isspace() or not c.isprintable() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        return False
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def request_locale(request: Request) -> str:
    """?lang= (remembered for the session), else the session's, else the browser's, else
    the deployment's."""
    default = web_context(request).reporting.locale
    chosen = request.query_params.get("lang")
    if chosen in LOCALES:
        request.session[SESSION_LOCALE] = chosen
        return chosen
    remembered = request.session.get(SESSION_LOCALE)
    if remembered in LOCALES:
        return str(remembered)
    return negotiate_locale(request.headers.get("accept-language"), default)


def csrf_token(request: Request) -> str:
    return session_token(request.session)


class Formats:
    """Numbers, money and dates as the reader expects them (¥1,234; 2026年11月22日)."""

    def __init__(self, locale: str, currency: str, zone: str) -> None:
        self.locale, self.currency, self.zone = locale, currency, zone

    @property
    def currency_symbol(self) -> str:
        """The symbol charts put before an amount (¥, $, €; not the full-width ￥)."""
        return str(get_currency_symbol(self.currency, locale="en"))

    @property
    def currency_digits(self) -> int:
        """Minor-unit digits of the currency: charts divide amounts by 10 to this power."""
        return minor_digits(self.currency)

    def money(self, amount: float | None) -> str:
        return "—" if amount is None else format_money(amount, self.currency, self.locale)

    def money_in(self, amount: float | None, currency: str) -> str:
        return "—" if amount is None else format_money(amount, currency, self.locale)

    def money_list(self, amounts: dict[str, int]) -> str:
        """Minor units per currency: ``$1,000.00, €20.00``."""
        return Amounts("", amounts=tuple(sorted(amounts.items()))).render(self.locale)

    def number(self, value: float | None, digits: int = 0) -> str:
        if value is None:
            return "—"
        return str(format_decimal(round(value, digits), locale=self.locale))

    def value(self, value: float | None, unit: str) -> str:
        """A KPI's value by its unit (metrics' Unit): money, rate, count, score, days…"""
        if unit == "money":
            return self.money(value)
        if unit == "rate":
            return self.percent(value)
        return self.number(value, 0 if unit == "count" else 1)

    def percent(self, value: float | None) -> str:
        if value is None:
            return "—"
        return str(format_percent(value, format="#,##0.0%", locale=self.locale))

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return "—"
        if isinstance(value, datetime):
            value = value.astimezone(ZoneInfo(self.zone)).date()
        return str(format_date(value, format="long", locale=self.locale))

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return "—"
        local = value.astimezone(ZoneInfo(self.zone))
        return str(format_datetime(local, format="short", locale=self.locale))


def pages_of(request: Request) -> Pages:
    pages: Pages = request.app.state.kasasu_pages
    return pages


def page_reporting(request: Request) -> Reporting:
    """How this request's figures are reported: the deployment's, in the reader's language."""
    return replace(web_context(request).reporting, locale=request_locale(request))


def lenient(model: type[M], params: Mapping[str, Any]) -> M:
    """``params`` (a query string) as ``model``, leaving out the values it refuses: a link
    with a stale or hand-edited parameter still shows the page, without that filter."""
    values = {k: v for k, v in params.items() if k in model.model_fields and v != ""}
    for _attempt in range(len(values) + 1):
        try:
            return model.model_validate(values)
        except ValidationError as error:
            for item in error.errors():
                if item["loc"]:
                    values.pop(str(item["loc"][0]), None)
    return model()


class Pages:
    def __init__(self) -> None:
        self.env = environment()

    def render(
        self, request: Request, template: str, status_code: int = 200, **values: Any
    ) -> HTMLResponse:
        deployment = web_context(request).reporting
        # A page may name its language (a survey link opens in the invitation's).
        locale = str(values.pop("page_locale", None) or request_locale(request))

        def gettext(msgid: str, **params: object) -> str:
            return translate(msgid, locale, **params)

        def label(value: Any) -> str:
            """A choice (role, touch model, activity kind…) in the reader's language."""
            if value is None or value == "":
                return "—"
            return choice_label(value).render(locale) if isinstance(value, StrEnum) else str(value)

        html = self.env.get_template(template).render(
            _=gettext,
            label=label,
            audit_value=lambda e, value: label(as_choice(e.entity, e.field, value)),
            band_name=lambda band: band_label(band).render(locale),
            local=lambda text: local_text(text, locale),  # a {ja, en} text, or one for both
            filter_words=lambda name, value: filter_words(name, value, locale),
            field_errors=lambda error: field_errors(error, locale),
            locale=locale,
            # Dates and times in the reader's own zone when they chose one (Settings).
            fmt=Formats(
                locale,
                deployment.currency,
                getattr(values.get("user"), "timezone", None) or deployment.zone,
            ),
            csrf=csrf_token(request),
            csp_nonce=csp_nonce(request.scope),  # for the page's inline scripts
            path=request.url.path,
            **values,
        )
        return HTMLResponse(html, status_code=status_code)


PagesDep = Annotated[Pages, Depends(pages_of)]
ReportingDep = Annotated[Reporting, Depends(page_reporting)]
