"""Tokenizing Japanese and English comments, Fightin' Words log-odds and themes."""

from __future__ import annotations

import math
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from kasasu.voice.text import compare_terms, theme_label, themes_of, tokenize


def test_japanese_content_words_in_normalized_form_without_particles() -> None:
    # サポート|の|対応|が|遅く|て|困っ|て|い|ます: particles, auxiliaries and いる go.
    assert tokenize("サポートの対応が遅くて困っています") == ["サポート", "対応", "遅い", "困る"]
    # 費用|に|見合う|効果|が|出|て|い|ませ|ん
    assert tokenize("費用に見合う効果が出ていません。") == ["費用", "見合う", "効果", "出る"]


def test_japanese_drops_numerals_pronouns_and_stop_words() -> None:
    # 彼 (pronoun), 3 (numeral), つ (counter), する and こと (stop words) are not content.
    assert tokenize("彼は3つの機能を使うことにする") == ["機能", "使う"]


def test_verb_and_difficulty_suffix_are_one_word_in_one_spelling() -> None:
    # 使い|にくい and 分かり|にくい are joined; わかりにくい is spelled as 分かりにくい.
    assert tokenize("使いにくいし、わかりにくい画面") == ["使いにくい", "分かりにくい", "画面"]


def test_latin_words_inside_japanese_are_lowercased() -> None:
    assert tokenize("Salesforceとの連携") == ["salesforce", "連携"]


def test_english_lowercase_without_stop_words_and_plurals_folded() -> None:
    text = "The support replies are slow and the prices are too high!"
    assert tokenize(text) == ["support", "reply", "slow", "price", "high"]
    assert tokenize("Dashboards, batches and classes") == ["dashboard", "batch", "class"]


def test_blank_text_has_no_terms() -> None:
    assert tokenize("") == []
    assert tokenize("   ") == []


def test_nothing_is_loaded_at_import_time() -> None:
    code = "import sys, kasasu.voice.text; print('sudachipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_compare_terms_on_a_hand_computed_case() -> None:
    """A: {遅い, 高い}, {遅い}; B: {便利}, {便利, 高い}. Document counts: A 遅い 2, 高い 1
    (n_A = 3); B 便利 2, 高い 1 (n_B = 3). With α_0 = 6, α_w = 6 · (y_A + y_B) ÷ 6 = y_A + y_B.

    遅い: α = 2; δ = log(4 ÷ (3 + 6 − 2 − 2)) − log(2 ÷ (3 + 6 − 0 − 2)) = log(4/5) − log(2/7)
    = log 2.8 ≈ 1.02962; Var = 1/4 + 1/2 = 0.75; z = 1.02962 ÷ 0.86603 ≈ 1.18890.
    高い: α = 2; δ = log(3/6) − log(3/6) = 0, z = 0. 便利 mirrors 遅い: z ≈ −1.18890.
    """
    stats = compare_terms(
        [["遅い", "高い"], ["遅い", "遅い"]], [["便利"], ["便利", "高い"]], prior=6
    )
    assert [s.term for s in stats] == ["遅い", "高い", "便利"]
    slow, high, handy = stats
    assert (slow.count_a, slow.count_b) == (2, 0)
    assert math.isclose(slow.log_odds, math.log(2.8))
    assert math.isclose(slow.z, 1.18890, abs_tol=1e-5)
    assert high.log_odds == 0
    assert high.z == 0
    assert (handy.count_a, handy.count_b) == (0, 2)
    assert math.isclose(handy.z, -1.18890, abs_tol=1e-5)


documents = st.lists(st.lists(st.sampled_from("abcdefg"), max_size=5), max_size=8)


@given(documents, documents)
def test_swapping_the_groups_negates_every_z(a: list[list[str]], b: list[list[str]]) -> None:
    if not any(a) and not any(b):
        return
    forward = {s.term: s for s in compare_terms(a, b)}
    backward = {s.term: s for s in compare_terms(b, a)}
    assert forward.keys() == backward.keys()
    for term, s in forward.items():
        assert math.isclose(s.z, -backward[term].z, abs_tol=1e-9)
        assert (s.count_a, s.count_b) == (backward[term].count_b, backward[term].count_a)


@given(documents, documents)
def test_a_term_of_one_group_only_leans_to_that_group(
    a: list[list[str]], b: list[list[str]]
) -> None:
    if not any(a) or not any(b):
        return  # δ > 0 needs the other group to have a term at all
    for s in compare_terms(a, b):
        if s.count_b == 0:
            assert s.z > 0
        if s.count_a == 0:
            assert s.z < 0


def test_themes_in_both_languages() -> None:
    assert themes_of(tokenize("料金が高すぎる")) == {"price"}
    assert themes_of(tokenize("画面が使いにくく、動作も遅い")) == {"usability", "performance"}
    assert themes_of(tokenize("Support never replies and the app is slow")) == {
        "support",
        "performance",
    }
    assert themes_of(tokenize("Great product")) == set()
    assert theme_label("price", "ja") == "価格・費用"
    assert theme_label("price", "en") == "Price"
