"""Segment and playbook rules: a safe, small expression language (DESIGN.md §2 segment)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasasu.domain.rules import compile_rule
from kasasu.errors import InvalidInput

ACCOUNT = {"mrr": 600_000, "plan": "Enterprise", "band": "yellow", "custom.nps_goal": 9}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('mrr >= 500000 and plan == "Enterprise"', True),
        ('mrr >= 700000 or plan == "Starter"', False),
        ('band in ["red", "yellow"]', True),
        ("not (custom.nps_goal > 8)", False),
        ("300000 < mrr <= 600000", True),  # chained, as in Python
        ("latest_nps >= 9", False),  # no value: unknown is not a match
        ("not latest_nps >= 9", True),
        ('mrr > "abc"', False),  # text against a number: not a match
        ("-mrr < 0", True),
    ],
)
def test_rules_by_hand(text: str, expected: bool) -> None:
    assert compile_rule(text).matches(ACCOUNT) is expected


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hi')",
        "mrr.__class__",
        "open('x')",
        "[x for x in range(3)]",
        "plan[0] == 'E'",
        "mrr + 1 > 2",
        "lambda: 1",
        "band in [plan]",
    ],
)
def test_anything_but_reading_values_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        compile_rule(text)
    assert "allowed" in raised.value.message.render("en")


def test_errors_say_where_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as raised:
        compile_rule("mrr >= ", where="segments.0.rule")
    assert raised.value.errors[0].loc == ("segments.0.rule",)
    assert "column" in raised.value.message.render("en")
    with pytest.raises(InvalidInput) as unknown:
        compile_rule("mmr > 1", known=frozenset({"mrr", "plan"}))
    assert "mmr" in unknown.value.message.render("ja")
    assert compile_rule("custom.region == 'x'", known=frozenset({"mrr"})).names == {"custom.region"}


@given(st.integers(-(10**9), 10**9), st.integers(-(10**9), 10**9))
def test_comparisons_agree_with_python(a: int, b: int) -> None:
    values = {"a": a, "b": b}
    for op in ("<", "<=", ">", ">=", "==", "!="):
        expected = eval(f"{a} {op} {b}")
        assert compile_rule(f"a {op} b").matches(values) is expected


@pytest.mark.parametrize(
    "text",
    [
        "-" * 900 + "mrr > 0",  # the review's reproduction: stored, then RecursionError
        "-" * 1900 + "mrr > 0",  # deeper than Python's parser goes: a 500 before
        "not " * 33 + "mrr > 0",
        "mrr > 0 and (" * 33 + "mrr > 0" + ")" * 33,
    ],
)
def test_rules_nesting_deeper_than_the_limit_are_refused(text: str) -> None:
    """Security review F7: a rule nested too deeply is refused when it is saved, with the
    field named, in both languages; it never reaches the refresh."""
    with pytest.raises(InvalidInput) as raised:
        compile_rule(text, where="body.rule")
    assert raised.value.errors[0].loc == ("body.rule",)
    assert "32 levels" in raised.value.message.render("en")
    assert "32 段" in raised.value.message.render("ja")


def test_rules_up_to_the_limit_still_work() -> None:
    assert compile_rule("not " * 31 + "mrr > 0").matches(ACCOUNT) is False
    assert compile_rule("-" * 30 + "mrr > 0").matches(ACCOUNT) is True


def test_minus_on_text_is_unknown_not_an_error() -> None:
    """``-plan`` on a text value compares as unknown (false), as text against a number does,
    instead of raising in the middle of the refresh."""
    assert compile_rule("-plan > 0").matches(ACCOUNT) is False
    assert compile_rule("not -plan > 0").matches(ACCOUNT) is True
