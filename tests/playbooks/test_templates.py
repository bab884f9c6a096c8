"""Security review F7: playbook templates are rendered with a work budget (loop iterations
and calls) and a bounded output, so a leader cannot store a text that takes minutes or
gigabytes to render; the check when the playbook is saved refuses it, naming the field."""

from __future__ import annotations

from time import monotonic
from typing import Any

import pytest

from kasasu.errors import InvalidInput
from kasasu.playbooks.definitions import validate_playbook
from kasasu.playbooks.templates import MAX_OUTPUT, render, sample_context


def _playbook(title: str) -> dict[str, Any]:
    return {
        "name": "costly",
        "title": "Costly",
        "trigger": {"type": "schedule", "every": "day"},
        "actions": [{"type": "task", "title": {"ja": "ok", "en": title}}],
    }


COSTLY = [
    # the review's reproduction: 26.8 s inside POST /api/v1/playbooks, then stored
    "{% for i in range(100000) %}{% for j in range(3000) %}{% endfor %}{% endfor %}",
    # loops over anything else than range count too
    "{% for a in 'x' * 1000 %}{% for b in 'x' * 1000 %}{% endfor %}{% endfor %}",
    # a 100 MB string
    '{{ "x" * 100000000 }}',
    '{{ "x" ~ "x" * 99999 ~ "x" * 99999 }}',
    "{{ 'x' | center(100000000) }}",
    "{{ 'x'.ljust(100000000) }}",
    "{{ 10 ** 10000000 }}",
    # doubling a text kept in a namespace
    (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
        "{% endfor %}{{ ns.s | length }}"
    ),
    (
        "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}"
        "{% endfor %}{{ ns.s | length }}"
    ),
    # recursion without loops: 2^40 macro calls
    (
        "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
        "{{ f(40) }}"
    ),
    # recursion without an end
    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}",
    # a lot of output from a few steps
    "{% for i in range(1000) %}{{ 'x' * 1000 }}{% endfor %}",
]


@pytest.mark.parametrize("title", COSTLY, ids=range(len(COSTLY)))
def test_costly_templates_are_refused_when_saved(title: str) -> None:
    started = monotonic()
    with pytest.raises(InvalidInput) as raised:
        validate_playbook(_playbook(title), "body")
    assert monotonic() - started < 5  # the review: 26.8 s, or unbounded
    assert raised.value.errors[0].loc == ("body", "actions", 0, "title", "en")
    assert "Template error" in raised.value.message.render("en")
    assert "テンプレート" in raised.value.message.render("ja")


def test_the_budget_error_says_what_was_exceeded_in_both_languages() -> None:
    with pytest.raises(InvalidInput) as raised:
        validate_playbook(_playbook(COSTLY[0]), "body")
    reason = raised.value.errors[0].message
    assert "100,000 steps" in reason.render("en")
    assert "100,000" in reason.render("ja")
    assert "ステップ" in reason.render("ja")
    with pytest.raises(InvalidInput) as big:
        validate_playbook(_playbook(COSTLY[2]), "body")
    assert "100,000 characters" in big.value.errors[0].message.render("en")


def test_ordinary_templates_render_as_before() -> None:
    context = {**sample_context(), "account": {**sample_context()["account"], "name": "ACME"}}
    text = (
        "{{ account.name }}: {% for k in ['a', 'b'] %}{{ k | upper }}{% endfor %} "
        "{{ '%05d' | format(42) }} {{ ('ab' * 3) ~ '!' }} {{ account.name.lower() }} "
        "{% set ns = namespace(n=0) %}{% for i in range(5) %}{% set ns.n = ns.n + i %}"
        "{% endfor %}{{ ns.n }} {{ 2 ** 10 }}"
    )
    assert render(text, "en", context) == "ACME: AB 00042 ababab! acme 10 1024"
    # Right at the output limit is fine.
    assert len(render(f"{{{{ 'x' * {MAX_OUTPUT} }}}}", "en", {})) == MAX_OUTPUT
    validate_playbook(_playbook("{% for i in range(99000) %}{% endfor %}done"), "body")


def test_the_budget_holds_for_each_render_not_for_all() -> None:
    text = "{% for i in range(60000) %}{% endfor %}ok"
    assert [render(text, "en", {}) for _ in range(3)] == ["ok", "ok", "ok"]
