from __future__ import annotations

from enum import StrEnum

import pytest

from kasasu.domain import choices
from kasasu.domain.choices import CancellationReason, Priority, TouchModel
from kasasu.domain.scoring import Band
from kasasu.kit.choices import LabelledChoice, label, parse_choice

ALL_ENUMS: list[type[StrEnum]] = [
    obj
    for obj in vars(choices).values()
    if isinstance(obj, type) and issubclass(obj, StrEnum) and obj is not StrEnum
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("機能不足", CancellationReason.MISSING_FEATURES),
        ("価格", CancellationReason.PRICE),
        ("サポート品質", CancellationReason.SUPPORT_QUALITY),
        ("競合へ乗り換え", CancellationReason.COMPETITOR),
        ("事業縮小", CancellationReason.DOWNSIZING),
        ("担当者の退職", CancellationReason.CHAMPION_LEFT),
        ("使いこなせない", CancellationReason.HARD_TO_USE),
        ("price", CancellationReason.PRICE),
        ("Switched to a competitor", CancellationReason.COMPETITOR),
    ],
)
def test_reason_codes_in_japanese_and_english(text: str, expected: CancellationReason) -> None:
    assert parse_choice(CancellationReason, text) is expected


def test_touch_models_as_teams_write_them() -> None:
    assert parse_choice(TouchModel, "ハイタッチ") is TouchModel.HIGH
    assert parse_choice(TouchModel, "Tech-Touch") is TouchModel.TECH
    assert parse_choice(TouchModel, "ﾛｰﾀｯﾁ") is TouchModel.LOW  # half-width katakana
    assert parse_choice(TouchModel, "medium") is None


@pytest.mark.parametrize("enum_cls", ALL_ENUMS)
def test_every_value_has_a_label_and_parses_back(enum_cls: type[StrEnum]) -> None:
    for member in enum_cls:
        assert label(member).render("ja")
        assert parse_choice(enum_cls, member.value) is member
        assert parse_choice(enum_cls, label(member).render("ja")) is member


def test_tasks_and_tickets_share_one_priority_vocabulary() -> None:
    assert [p.value for p in Priority] == ["low", "normal", "high", "urgent"]
    assert parse_choice(Priority, "普通") is Priority.NORMAL
    assert parse_choice(Priority, "medium") is Priority.NORMAL
    assert parse_choice(Priority, "緊急") is Priority.URGENT
    assert Priority("high") is Priority.HIGH
    assert Priority.HIGH == "high"


def test_a_choice_carries_its_label_and_aliases() -> None:
    assert TouchModel.HIGH.label.render("ja") == "ハイタッチ"
    assert TouchModel.HIGH.aliases == ("high-touch", "high_touch")
    assert label(TouchModel.TECH).render("en") == "Tech touch"
    assert Band.UNKNOWN.label.render("en") == "not enough data"
    assert parse_choice(Band, "赤") is Band.RED


def test_a_choice_without_a_label_is_refused() -> None:
    with pytest.raises(TypeError, match="needs its label"):

        class Broken(LabelledChoice):
            ONLY = "only"
