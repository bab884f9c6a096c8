"""Server-rendered pages (Jinja2 + HTMX). The CS workspace grows here."""

from kasasu.web.pages import create_web

__all__ = ["create_web"]
