"""Folding for search (kasasu.domain.search), by hand and as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kasasu.domain.search import fold, romaji, search_text

KATAKANA = st.text(st.characters(min_codepoint=0x30A1, max_codepoint=0x30F6), min_size=1)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("せんだい", "せんだい"),
        ("センダイ", "せんだい"),
        ("ｾﾝﾀﾞｲ", "せんだい"),  # half-width katakana, with its separate voicing mark
        ("SENDAI", "sendai"),
        ("ＳＥＮＤＡＩ", "sendai"),  # full-width letters
        ("株式会社 仙台", "株式会社仙台"),  # spaces, ASCII or ideographic, do not count
        ("株式会社\u3000仙台", "株式会社仙台"),
        ("A\x00B", "a\x00b"),  # NUL stays: a query with one is refused, not matched
    ],
)
def test_what_a_team_types_folds_to_one_form(typed: str, folded: str) -> None:
    assert fold(typed) == folded


@pytest.mark.parametrize(
    ("reading", "spellings"),
    [
        ("せんだい", ("sendai",)),
        ("とうきょう", ("toukyou", "tokyo")),  # as typed on a Japanese keyboard, and Hepburn's
        ("おおさか", ("oosaka", "osaka")),
        ("にいがた", ("niigata",)),  # ii stays
        ("せんだい商事", ()),  # not all kana: no romaji
    ],
)
def test_a_reading_in_romaji(reading: str, spellings: tuple[str, ...]) -> None:
    assert romaji(reading) == spellings


def test_an_accounts_search_text_holds_each_part_once() -> None:
    # The long-vowel mark is dropped in romaji: "soni" is found from "sony"'s "son" and "soni".
    assert search_text("ソニー", "ソニー", "SONY-1", None) == "そにー soni sony-1"
    assert search_text("A\x00B", None, "X", None) == "ab x"  # the name alone is refused


def test_without_kana_the_reading_is_the_dictionarys() -> None:
    # 新潟 ニイガタ and 精機 セイキ in Sudachi's core dictionary.
    assert search_text("新潟精機", None, "X", None) == "新潟精機 にいがたせいき niigataseiki x"
    # The kana given wins: 角田 is read スミダ here, whatever the dictionary says.
    assert search_text("角田工業", "スミダコウギョウ", "K", None) == (
        "角田工業 すみだこうぎょう sumidakougyou sumidakogyo k"
    )
    # Letters have no reading: "Sendai Labs" is found by its letters only.
    assert search_text("Sendai Labs", None, "A-3", None) == "sendailabs a-3"


@given(KATAKANA)
def test_katakana_and_its_hiragana_fold_alike(word: str) -> None:
    hiragana = "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in word)
    assert fold(word) == fold(hiragana)


@given(st.text())
def test_folding_twice_changes_nothing(text: str) -> None:
    assert fold(fold(text)) == fold(text)
