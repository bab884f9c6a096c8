"""Rules a CS team writes for segments and playbook conditions, evaluated safely.

``mrr >= 500000 and plan == "Enterprise"``, ``band in ["red", "yellow"]``,
``not (custom.nps_goal > 8)``: Python's own parser reads the text (so precedence and quoting
are the familiar ones), then only the nodes below are accepted and interpreted here — no
``eval``, no calls, no attribute access beyond ``custom.NAME``, no subscripts, so a rule can
read values and nothing else. A value that is missing (None) makes any comparison with it
false, as "unknown" should.

The work a rule can cost is bounded where it is saved: at most ``MAX_LENGTH`` characters and
``MAX_DEPTH`` levels of operators (and/or, not, minus, comparisons) inside each other, so
evaluating it for every account at the daily refresh is a short walk (security review F7).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import Message, _

MAX_LENGTH = 2000
MAX_DEPTH = 32  # operators inside each other; the evaluator recurses once per level
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_CONSTANT = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class Rule:
    text: str
    tree: ast.expr
    names: frozenset[str]  # the values the rule reads (features, fields, custom.NAME)

    def matches(self, values: Mapping[str, Any]) -> bool:
        return bool(_evaluate(self.tree, values))


def compile_rule(text: str, known: frozenset[str] | None = None, where: str = "rule") -> Rule:
    """Parse and check ``text``; with ``known``, every name must be one of them (or
    ``custom.NAME``). Errors name the column and the reason, in Japanese or English."""
    if not text.strip():
        raise _invalid(where, _("The rule is empty"), text)
    if len(text) > MAX_LENGTH:
        raise _invalid(where, _("The rule is longer than {n} characters", n=MAX_LENGTH), text)
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except (RecursionError, MemoryError) as exc:  # Python's parser gives up on deep nesting
        raise _invalid(where, _too_deep(), text) from exc
    except SyntaxError as exc:
        column = exc.offset or 1
        raise _invalid(
            where, _("Not a rule (column {column}): {detail}", column=column, detail=exc.msg), text
        ) from exc
    names: set[str] = set()
    _check(tree, names, where, text, MAX_DEPTH)
    unknown = sorted(
        n for n in names if known is not None and n not in known and not n.startswith("custom.")
    )
    if unknown:
        raise _invalid(where, _("Unknown name {names}", names=", ".join(unknown)), text)
    return Rule(text.strip(), tree, frozenset(names))


def _invalid(where: str, reason: Message, text: str) -> InvalidInput:
    return InvalidInput(
        _("{where}: {reason}", where=where, reason=reason), [FieldError((where,), reason, text)]
    )


def _too_deep() -> Message:
    return _("The rule nests operators more than {n} levels deep", n=MAX_DEPTH)


def _check(node: ast.AST, names: set[str], where: str, text: str, levels: int) -> None:
    """Accept only value-reading nodes, at most ``levels`` operators deep; collect the
    names read."""
    if isinstance(node, ast.Name):
        names.add(node.id)
    elif _custom(node) is not None:
        names.add(f"custom.{_custom(node)}")
    elif isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            if not (isinstance(item, ast.Constant) and isinstance(item.value, _CONSTANT)):
                raise _refused(item, where, text)
    elif not (isinstance(node, ast.Constant) and isinstance(node.value, _CONSTANT)):
        children = _children(node)
        if children is None:
            raise _refused(node, where, text)
        if levels == 0:
            raise _invalid(where, _too_deep(), text)
        for child in children:
            _check(child, names, where, text, levels - 1)


def _custom(node: ast.AST) -> str | None:
    """``custom.NAME``: the one attribute a rule may read (the account's custom field)."""
    match node:
        case ast.Attribute(value=ast.Name(id="custom"), attr=attr):
            return attr
    return None


def _children(node: ast.AST) -> list[ast.expr] | None:
    """The operands of an allowed operator; None for anything else."""
    match node:
        case ast.BoolOp(values=values):
            return list(values)
        case ast.UnaryOp(op=ast.Not() | ast.USub(), operand=operand):
            return [operand]
        case ast.Compare(left=left, ops=ops, comparators=rights) if all(
            type(op) in _COMPARE for op in ops
        ):
            return [left, *rights]
    return None


def _refused(node: ast.AST, where: str, text: str) -> InvalidInput:
    column = getattr(node, "col_offset", 0) + 1
    return _invalid(
        where,
        _(
            "Only names, numbers, text, lists, comparisons, and/or/not are allowed "
            "(column {column})",
            column=column,
        ),
        text,
    )


def _evaluate(node: ast.expr, values: Mapping[str, Any]) -> Any:
    custom = _custom(node)
    if custom is not None:
        return values.get(f"custom.{custom}")
    return _EVALUATE[type(node)](node, values)


def _bool(node: Any, values: Mapping[str, Any]) -> bool:
    parts = (_evaluate(p, values) for p in node.values)
    return all(parts) if isinstance(node.op, ast.And) else any(parts)


def _unary(node: Any, values: Mapping[str, Any]) -> Any:
    value = _evaluate(node.operand, values)
    if isinstance(node.op, ast.Not):
        return not value
    # Minus on anything but a number (text, a list) is unknown, like text against a number.
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    return -value if numeric else None


_EVALUATE: dict[type[ast.AST], Callable[[Any, Mapping[str, Any]], Any]] = {
    ast.BoolOp: _bool,
    ast.UnaryOp: _unary,
    ast.Compare: lambda n, v: _compare(n.left, n.ops, n.comparators, v),
    ast.Name: lambda n, v: v.get(n.id),
    ast.Constant: lambda n, _v: n.value,
    ast.List: lambda n, v: [_evaluate(item, v) for item in n.elts],
    ast.Tuple: lambda n, v: [_evaluate(item, v) for item in n.elts],
}


def _compare(
    left: ast.expr, ops: list[ast.cmpop], rights: list[ast.expr], values: Mapping[str, Any]
) -> bool:
    current = _evaluate(left, values)
    for op, right in zip(ops, rights, strict=True):
        other = _evaluate(right, values)
        if current is None or other is None:
            return False  # unknown compares as false
        try:
            if not _COMPARE[type(op)](current, other):
                return False
        except TypeError:
            return False  # text against a number: not a match
        current = other
    return True
