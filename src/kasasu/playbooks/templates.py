"""Task, email and webhook texts: Jinja2 templates in Japanese and English, rendered in a
sandbox with every variable required, so a misspelt name is refused when a playbook is
saved instead of sending "Dear ," to a customer."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from kasasu.analytics.features import FEATURE_NAMES
from kasasu.playbooks.schemas import LocalText, PlaybookDefinition, Text

ACCOUNT_KEYS = (
    "id",
    "external_id",
    "name",
    "plan",
    "tier",
    "industry",
    "lifecycle_stage",
    "touch_model",
    "mrr",
    "custom",
)
TRIGGER_KEYS = ("type", "summary", "window")
CONTEXT_KEYS = ("account", "owner", "contact", "health", "features", "trigger", "playbook")


@cache
def _environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
    )


def pick(text: Text, locale: str) -> str:
    if isinstance(text, LocalText):
        return text.ja if locale == "ja" else text.en
    return text


def render(text: Text, locale: str, context: Mapping[str, Any]) -> str:
    source = pick(text, locale)
    if "{" not in source:  # plain text (most checklist lines): nothing to render
        return source
    return _compiled(source).render(context)


@lru_cache(maxsize=1024)
def _compiled(source: str) -> Template:
    """Compiling is ~1,000× rendering; a library has a few dozen texts."""
    return _environment().from_string(source)


def sample_context() -> dict[str, Any]:
    """A context with every variable a template may use, for checking templates."""
    return {
        "account": {**dict.fromkeys(ACCOUNT_KEYS, "x"), "custom": _AnyKeys()},
        "owner": {"name": "x", "email": "x@example.com"},
        "contact": {"name": "x", "email": "x@example.com"},
        "health": {"score": 50.0, "band": "red"},
        "features": dict.fromkeys(FEATURE_NAMES, 1.0),
        "trigger": dict.fromkeys(TRIGGER_KEYS, "x"),
        "playbook": {"name": "x", "title": "x"},
        "day": "2026-01-01",
        "link": "http://x/accounts/1",
    }


class _AnyKeys(dict[str, Any]):
    """Custom fields differ per company: any name is allowed in a template."""

    def __missing__(self, key: str) -> str:
        return ""


def template_problems(playbook: PlaybookDefinition) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(loc, problem) for every text of ``playbook`` that does not render in ja or en."""
    context = sample_context()
    for i, action in enumerate(playbook.actions):
        for field, text in _texts(action):
            for locale in ("ja", "en"):
                try:
                    render(text, locale, context)
                except TemplateError as exc:
                    loc: tuple[str | int, ...] = ("actions", i, *field)
                    if isinstance(text, LocalText):
                        loc = (*loc, locale)
                    yield loc, str(exc.message or exc)
                    break


def _texts(action: Any) -> Iterator[tuple[tuple[str | int, ...], Text]]:
    for name in ("title", "description", "subject", "body", "text"):
        value = getattr(action, name, None)
        if value is not None:
            yield (name,), value
    for j, item in enumerate(getattr(action, "checklist", ())):
        yield ("checklist", j), item
