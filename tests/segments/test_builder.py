"""The rule builder offers every name a rule reads, labelled in the reader's language, with
the choices of the fields that have them."""

from __future__ import annotations

from kasasu.segments.builder import rule_fields
from kasasu.segments.schemas import RULE_NAMES


def test_every_rule_name_is_offered_once_with_a_label() -> None:
    for locale in ("ja", "en"):
        found = rule_fields(locale)
        names = [f["name"] for f in found]
        assert sorted(names) == sorted(RULE_NAMES)
        assert all(f["label"] and f["label"] != f["name"] for f in found)


def test_choices_come_with_their_labels() -> None:
    by_name = {f["name"]: f for f in rule_fields("ja")}
    assert by_name["band"]["kind"] == "choice"
    assert ["red", "赤"] in by_name["band"]["choices"]
    assert ["tech", "テックタッチ"] in by_name["touch_model"]["choices"]
    assert by_name["mrr"]["kind"] == "number"
    assert by_name["plan"]["kind"] == "text"


def test_the_guides_completed_are_a_list_a_rule_asks_about() -> None:
    by_name = {f["name"]: f for f in rule_fields("en")}
    assert by_name["guides_completed"]["kind"] == "list"
    assert by_name["guides_completed"]["label"] == "In-app guides completed"
