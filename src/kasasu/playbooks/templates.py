"""Task, email and webhook texts: Jinja2 templates in Japanese and English, rendered in a
sandbox with every variable required, so a misspelt name is refused when a playbook is
saved instead of sending "Dear ," to a customer.

Each render has a work budget (security review F7): at most ``MAX_STEPS`` loop iterations,
calls and operators, no text or list longer than ``MAX_OUTPUT``, padding no wider than
``MAX_WIDTH``, only the filters listed in ``FILTERS``. A text over the budget is refused
when the playbook is saved (the check renders every text) and, should data make it costlier
later, its action is skipped for that account with the reason in the log.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from functools import cache, lru_cache, wraps
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, TemplateRuntimeError, nodes
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

from kasasu.analytics.features import MEASURABLE_NAMES
from kasasu.domain.account_fields import TEMPLATE_FIELDS
from kasasu.domain.scoring import Band
from kasasu.kit.i18n import Message, _
from kasasu.kit.types import LocalText, local_text
from kasasu.playbooks.action_schemas import Text
from kasasu.playbooks.schemas import PlaybookDefinition

MAX_STEPS = 100_000  # loop iterations, calls, filters and operators in one render
MAX_OUTPUT = 100_000  # characters (or items) of the result and of any value made on the way
MAX_WIDTH = 1_000  # padding and format widths
# Filters whose result grows at most with their input (join, replace and format are checked).
FILTERS = frozenset(
    {"abs", "attr", "capitalize", "count", "d", "default", "dictsort", "e", "escape"}
    | {"filesizeformat", "first", "float", "forceescape", "format", "groupby", "int", "items"}
    | {"join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr"}
    | {"replace", "reverse", "round", "safe", "select", "selectattr", "sort", "string"}
    | {"striptags", "sum", "title", "tojson", "trim", "truncate", "unique", "upper"}
    | {"urlencode", "wordcount"}
)
# str methods that allocate by a parameter (use the checked filters instead).
_UNSAFE_STR_METHODS = frozenset(
    {"center", "ljust", "rjust", "zfill", "expandtabs", "join", "format", "format_map"}
    | {"replace", "translate", "encode"}
)
_WIDE_FORMAT = re.compile(r"\*|\d{4,}")  # "%*d", "%10000d", "{:10000}"
_LOOP, _CONCAT = "__kasasu_loop__", "__kasasu_concat__"


class BudgetExceeded(SecurityError):
    """A render went over its budget; ``reason`` says which part, in either language."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason.render("en"))
        self.reason = reason


class _Budget:
    def __init__(self) -> None:
        self.steps = MAX_STEPS

    def step(self, n: int = 1) -> None:
        self.steps -= n
        if self.steps < 0:
            raise BudgetExceeded(
                _(
                    "the text takes more than {n} steps (loops, calls) to write",
                    n=f"{MAX_STEPS:,}",
                )
            )


_budget: ContextVar[_Budget | None] = ContextVar("kasasu_template_budget", default=None)


def _step(n: int = 1) -> None:
    budget = _budget.get()
    if budget is None:  # rendering outside render(): a budget of its own
        budget = _Budget()
        _budget.set(budget)
    budget.step(n)


def _sized(value: Any) -> Any:
    if isinstance(value, str | bytes | list | tuple | dict | set) and len(value) > MAX_OUTPUT:
        raise _too_long()
    return value


def _too_long() -> BudgetExceeded:
    return BudgetExceeded(
        _("the text or a value in it is longer than {n} characters", n=f"{MAX_OUTPUT:,}")
    )


def _too_wide() -> BudgetExceeded:
    return BudgetExceeded(_("padding or a format wider than {n} characters", n=f"{MAX_WIDTH:,}"))


def _check_format(fmt: Any) -> None:
    if isinstance(fmt, str) and _WIDE_FORMAT.search(fmt):
        raise _too_wide()


def _length(value: Any) -> int:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set) else 1


class _BudgetedEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox (no attribute escapes, no changes to lists and dicts), plus the budget."""

    intercepted_binops = frozenset({"+", "*", "**", "%"})

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr in _UNSAFE_STR_METHODS:
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _step()
        if operator == "*":
            if isinstance(right, int) and _length(left) * right > MAX_OUTPUT:
                raise _too_long()
            if isinstance(left, int) and _length(right) * left > MAX_OUTPUT:
                raise _too_long()
        elif operator == "**":
            if isinstance(right, int | float) and abs(right) > MAX_WIDTH and abs(left) > 1:
                raise _too_long()
        elif operator == "%":
            _check_format(left)
        elif operator == "+" and _length(left) + _length(right) > MAX_OUTPUT:
            raise _too_long()
        return _sized(super().call_binop(context, operator, left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Jinja's own signature
        _step()
        return _sized(super().call(__context, __obj, *args, **kwargs))


def _filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(function)  # keeps Jinja's pass_context/pass_eval_context marker
    def budgeted(*args: Any, **kwargs: Any) -> Any:
        _step()
        values = [a for a in args if not isinstance(a, Context)]
        if name == "format" and values:
            _check_format(values[0])
        if name == "join" and values and isinstance(values[0], Iterable):
            items = list(values[0])
            _step(len(items))
            if sum(_length(str(i)) for i in items) > MAX_OUTPUT:
                raise _too_long()
            args = tuple(items if a is values[0] else a for a in args)
        if name == "replace" and len(values) >= 3:
            text, old, new = (str(v) for v in values[:3])
            if len(text) + text.count(old) * max(0, len(new) - len(old)) > MAX_OUTPUT:
                raise _too_long()
        return _sized(function(*args, **kwargs))

    return budgeted


def _loop(iterable: Any) -> Iterator[Any]:
    for item in iterable:
        _step()
        yield item


def _concat(*parts: Any) -> str:
    texts = [str(p) for p in parts]
    if sum(len(t) for t in texts) > MAX_OUTPUT:
        raise _too_long()
    return "".join(texts)


class _Counted(NodeTransformer):
    """Every ``for`` iterates through the budget; every ``~`` is checked for length."""

    def visit_For(self, node: nodes.For) -> nodes.Node:  # noqa: N802 - Jinja's visitor naming
        visited = self.generic_visit(node)
        assert isinstance(visited, nodes.For)  # generic_visit keeps the node
        visited.iter = nodes.Call(nodes.Name(_LOOP, "load"), [visited.iter], [], None, None)
        return visited

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:  # noqa: N802 - Jinja's visitor naming
        visited = self.generic_visit(node)
        assert isinstance(visited, nodes.Concat)  # generic_visit keeps the node
        return nodes.Call(nodes.Name(_CONCAT, "load"), visited.nodes, [], None, None)


# {{ account.NAME }}: the fields the catalogue lets templates read, and the MRR feature.
ACCOUNT_KEYS = (*(f.variable for f in TEMPLATE_FIELDS if f.variable), "mrr")
TRIGGER_KEYS = ("type", "summary", "window", "event")
CONTEXT_KEYS = ("account", "owner", "contact", "health", "features", "trigger", "playbook")


@cache
def _environment() -> _BudgetedEnvironment:
    env = _BudgetedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
    )
    env.filters = {n: _filter(n, f) for n, f in env.filters.items() if n in FILTERS}
    env.globals.pop("lipsum", None)  # paragraphs of filler text, as many as asked
    env.globals.update({_LOOP: _loop, _CONCAT: _concat})
    return env


def render(text: Text, locale: str, context: Mapping[str, Any]) -> str:
    """The text for ``locale``; any failure is a ``TemplateError`` (``BudgetExceeded`` for
    a text over its budget)."""
    source = local_text(text, locale)
    if "{" not in source:  # plain text (most checklist lines): nothing to render
        return source
    token = _budget.set(_Budget())
    try:
        written, parts = 0, []
        for part in _compiled(source).generate(context):
            written += len(part)
            if written > MAX_OUTPUT:
                raise _too_long()
            parts.append(part)
        return "".join(parts)
    except TemplateError:
        raise
    except (RecursionError, MemoryError) as exc:
        raise BudgetExceeded(_("the text calls itself too deeply")) from exc
    except Exception as exc:  # 1/0, "a" + 1 …: the text is wrong, not the server
        raise TemplateRuntimeError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        _budget.reset(token)


@lru_cache(maxsize=1024)
def _compiled(source: str) -> Template:
    """Compiling is ~1,000× rendering; a library has a few dozen texts."""
    if "__kasasu_" in source:
        raise TemplateRuntimeError("names starting with __kasasu_ are reserved")
    env = _environment()
    try:
        tree = _Counted().visit(env.parse(source))
        return env.from_string(tree)
    except RecursionError as exc:
        raise BudgetExceeded(_("the text nests too deeply")) from exc


def sample_context() -> dict[str, Any]:
    """A context with every variable a template may use, for checking templates."""
    return {
        "account": {**dict.fromkeys(ACCOUNT_KEYS, "x"), "custom": _AnyKeys()},
        "owner": {"name": "x", "email": "x@example.com"},
        "contact": {"name": "x", "email": "x@example.com"},
        "health": {"score": 50.0, "band": Band.RED.value},
        "features": dict.fromkeys(MEASURABLE_NAMES, 1.0),
        "trigger": {
            **dict.fromkeys(TRIGGER_KEYS, "x"),
            "event": {"id": 1, "title": "x", "recording_url": "x"},
        },
        "playbook": {"name": "x", "title": "x"},
        "day": "2026-01-01",
        "link": "http://x/accounts/1",
    }


class _AnyKeys(dict[str, Any]):
    """Custom fields differ per company: any name is allowed in a template."""

    def __missing__(self, key: str) -> str:
        return ""


def template_problems(
    playbook: PlaybookDefinition,
) -> Iterator[tuple[tuple[str | int, ...], str | Message]]:
    """(loc, problem) for every text of ``playbook`` that does not render in ja or en, or
    goes over the budget."""
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
                    budget = exc.reason if isinstance(exc, BudgetExceeded) else None
                    yield loc, budget or str(exc.message or exc)
                    break


def _texts(action: Any) -> Iterator[tuple[tuple[str | int, ...], Text]]:
    for name in ("title", "description", "subject", "body", "text"):
        value = getattr(action, name, None)
        if value is not None:
            yield (name,), value
    for j, item in enumerate(getattr(action, "checklist", ())):
        yield ("checklist", j), item
