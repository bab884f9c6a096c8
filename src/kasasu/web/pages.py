"""The pages served today: a start page and a health check."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from kasasu import __version__
from kasasu.kit.i18n import negotiate_locale, translate

TEMPLATES = Path(__file__).resolve().parent / "templates"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        auto_reload=False,
    )
    env.globals["version"] = __version__
    return env


def create_web(default_locale: str) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    env = _environment()

    @router.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        locale = request.query_params.get("lang") or negotiate_locale(
            request.headers.get("accept-language"), default_locale
        )
        locale = negotiate_locale(locale, default_locale)

        def gettext(msgid: str, **params: object) -> str:
            return translate(msgid, locale, **params)

        html = env.get_template("home.html").render(_=gettext, locale=locale)
        return HTMLResponse(html)

    @router.get("/healthz", response_class=PlainTextResponse)
    def healthz() -> str:
        return "ok"

    return router
