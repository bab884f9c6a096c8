"""Free-text comments as terms: Japanese through SudachiPy, English by a small rule set.

:func:`tokenize` turns one comment into the content words it contains; :func:`compare_terms`
finds the terms that tell two groups of comments apart (detractors and promoters, say);
:func:`themes_of` maps terms to the themes of ``themes.yaml``. Pure functions over strings:
no database, no Ibis.

Japanese is analysed by SudachiPy with its core dictionary (a wheel from PyPI: nothing is
downloaded at run time), through kasasu.kit.japanese: one dictionary per process, loaded on
first use, and a tokenizer per thread.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from kasasu.kit.japanese import dictionary, is_japanese, tokenizer

_ENGLISH_WORD = re.compile(r"[a-z][a-z0-9']*")

# Parts of speech kept (Sudachi's first level); numerals and pronouns are dropped (pronouns are
# their own first level, 代名詞, so they never match).
_CONTENT = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
# Verb stem + these suffixes is one word: 使い + にくい → 使いにくい (a usability complaint).
_ADJECTIVE_SUFFIX = "形容詞的"


def _words(text: str) -> list[str]:
    return text.split()


# Words too common to say anything, in the dictionary and the normalized spelling Sudachi gives.
JAPANESE_STOP_WORDS = frozenset(
    _words(
        """
    する 為る ある 有る いる 居る なる 成る こと 事 もの 物 ない 無い よう 様 ため 為 できる
    出来る 思う 言う いう 頂く いただく 下さる くださる 致す いたす 御座る ござる おる 来る くる
    行く いく 方 ほう 所 ところ 時 とき さん 等 など 感じ 感じる みる 見る くれる 呉れる もらう 貰う
    しまう 仕舞う おく 置く 的 中 上 前 後 今 今回 際 点 形 分 自分 皆 みんな 方々 御陰 おかげ
    因る 依る よる そう 対する 関する 於く
    """
    )
)
ENGLISH_STOP_WORDS = frozenset(
    _words(
        """
    a about above after again against all also am an and any are aren't as at be because been
    before being below between both but by can can't cannot could couldn't did didn't do does
    doesn't doing don't down during each even ever every few for from further get got had hadn't
    has hasn't have haven't having he her here hers herself him himself his how i i'm i've if in
    into is isn't it it's its itself just let's lot lots me more most much must my myself no nor
    not now of off on once only or other our ours ourselves out over own really same she should
    shouldn't so some still such than that that's the their theirs them themselves then there
    there's these they they're this those through to too under until up us use used using very
    was wasn't we we're were weren't what when where which while who whom why will with won't
    would wouldn't you you're your yours yourself yourselves
    """
    )
)


def tokenize(text: str) -> list[str]:
    """The content words of ``text`` in order, repeats kept.

    Japanese: nouns (except numerals), verbs, adjectives and adjectival nouns in Sudachi's
    normalized form (遅くて → 遅い, 困っ → 困る, わかる → 分かる), a verb followed by an
    adjective-like suffix joined into one word (使いにくい), stop words dropped. English:
    lowercase words without stop words, regular plurals folded (issues → issue, replies →
    reply). Latin words inside Japanese text are lowercased too.
    """
    if not text or not text.strip():
        return []
    if is_japanese(text):
        return _japanese(text)
    return _english(text)


def _english(text: str) -> list[str]:
    words = _ENGLISH_WORD.findall(text.lower())
    return [fold_plural(w) for w in words if w not in ENGLISH_STOP_WORDS and len(w) > 1]


def fold_plural(word: str) -> str:
    """A regular English plural's singular; other words as they are."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word


class _Analyser:
    """The process's Sudachi dictionary, a tokenizer per thread, and what each part of
    speech and each word comes to (looked up once: most words of comments recur)."""

    def __init__(self) -> None:
        self.dictionary = dictionary()
        self.local = threading.local()
        self.kinds: dict[int, str | None] = {}
        # (POS id, surface) → (the term, or "" for a stop word; the verb stem or the suffix)
        self.words: dict[tuple[int, str], tuple[str, str]] = {}

    def tokenize(self, text: str) -> Any:
        found = tokenizer(_FIELDS)
        local = self.local
        if getattr(local, "morphemes", None) is None:
            local.morphemes = found.tokenize("")  # reused: no allocation per text
        return found.tokenize(text, out=local.morphemes)

    def kind(self, pos_id: int) -> str | None:
        """ "verb", "content", "suffix" (adjective-like) or None (dropped), per POS id."""
        if pos_id not in self.kinds:
            pos = self.dictionary.pos_of(pos_id) or ("",) * 6
            if pos[0] == "動詞":
                self.kinds[pos_id] = "verb"
            elif pos[0] in _CONTENT and pos[1] != "数詞":
                self.kinds[pos_id] = "content"
            elif pos[0] == "接尾辞" and pos[1] == _ADJECTIVE_SUFFIX:
                self.kinds[pos_id] = "suffix"
            else:
                self.kinds[pos_id] = None
        return self.kinds[pos_id]

    def word(self, m: Any, key: tuple[int, str]) -> tuple[str, str]:
        found = self.words.get(key)
        if found is None:
            if len(self.words) > _WORD_CACHE:
                self.words.clear()
            normalized, dictionary = m.normalized_form(), m.dictionary_form()
            stop = normalized in JAPANESE_STOP_WORDS or dictionary in JAPANESE_STOP_WORDS
            term = "" if stop else (normalized.lower() if normalized.isascii() else normalized)
            found = self.words[key] = (term, _normalized_stem(key[1], dictionary, normalized))
        return found


_FIELDS = frozenset({"pos", "normalized_form", "dictionary_form"})
_WORD_CACHE = 500_000  # distinct words kept; past it the cache starts again


@cache
def _analyser() -> _Analyser:
    return _Analyser()


def _japanese(text: str) -> list[str]:
    analyser = _analyser()
    out: list[str] = []
    verb: tuple[str, bool] | None = None  # a verb just seen: its stem, whether it was kept
    for m in analyser.tokenize(text):
        pos_id = m.part_of_speech_id()
        kind = analyser.kind(pos_id)
        if kind is None:
            verb = None
            continue
        if kind == "suffix":
            if verb is not None:
                if verb[1]:
                    out.pop()
                out.append(verb[0] + m.dictionary_form())  # 使い + にくい
            verb = None
            continue
        term, stem = analyser.word(m, (pos_id, m.surface()))
        verb = (stem, bool(term)) if kind == "verb" else None
        if term:
            out.append(term)
    return out


def _normalized_stem(surface: str, dictionary: str, normalized: str) -> str:
    """The conjugated surface in the normalized spelling: わかり (わかる, 分かる) → 分かり."""
    same = 0
    for a, b in zip(surface, dictionary, strict=False):
        if a != b:
            break
        same += 1
    if not normalized.endswith(dictionary[same:]):
        return surface
    return normalized[: len(normalized) - len(dictionary) + same] + surface[same:]


@dataclass(frozen=True)
class TermStat:
    """One term in two groups of documents: in how many of each it occurs, and how much more
    group A uses it than group B (``log_odds``, positive for A) in standard errors (``z``)."""

    term: str
    count_a: int
    count_b: int
    log_odds: float
    z: float


def document_counts(documents: Iterable[Iterable[str]]) -> Counter[str]:
    """In how many documents each term occurs (a term repeated in one counts once)."""
    counts: Counter[str] = Counter()
    for tokens in documents:
        counts.update(set(tokens))
    return counts


def compare_terms(
    group_a: list[list[str]], group_b: list[list[str]], prior: float = 10.0
) -> list[TermStat]:
    """The terms of two groups of tokenized documents, most typical of A first, of B last.

    The weighted log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi and
    Quinn (2008, "Fightin' Words", §3.5), on document counts: y_w^A is the number of documents
    of A containing w, n^A = Σ_w y_w^A (likewise for B). The prior is the pooled use of both
    groups, scaled to ``prior`` pseudo-counts: α_0 = ``prior``, α_w = α_0 · (y_w^A + y_w^B) ÷
    (n^A + n^B). Then

        δ_w = log((y_w^A + α_w) ÷ (n^A + α_0 − y_w^A − α_w))
              − log((y_w^B + α_w) ÷ (n^B + α_0 − y_w^B − α_w))
        Var(δ_w) ≈ 1 ÷ (y_w^A + α_w) + 1 ÷ (y_w^B + α_w)
        z_w = δ_w ÷ √Var(δ_w)

    The prior shrinks rare terms towards no difference, so a word said once does not top the
    list. With a single term in all there is nothing to compare: δ = z = 0. Swapping the
    groups negates every δ and z; a term found only in A has δ > 0 whenever
    B has any term at all. Ties in z are broken by term, so the order is stable.
    """
    a, b = document_counts(group_a), document_counts(group_b)
    n_a, n_b = sum(a.values()), sum(b.values())
    total = n_a + n_b
    stats = []
    vocabulary = a.keys() | b.keys()
    for term in vocabulary:
        y_a, y_b = a[term], b[term]
        if len(vocabulary) == 1:  # nothing to set it against: the odds are 0 ÷ 0
            stats.append(TermStat(term, y_a, y_b, 0.0, 0.0))
            continue
        alpha = prior * (y_a + y_b) / total
        delta = math.log((y_a + alpha) / (n_a + prior - y_a - alpha)) - math.log(
            (y_b + alpha) / (n_b + prior - y_b - alpha)
        )
        z = delta / math.sqrt(1 / (y_a + alpha) + 1 / (y_b + alpha))
        stats.append(TermStat(term, y_a, y_b, delta, z))
    stats.sort(key=lambda s: (-s.z, s.term))
    return stats


@dataclass(frozen=True)
class Theme:
    code: str
    labels: Mapping[str, str]  # locale → label
    terms: tuple[str, ...]


@cache
def themes() -> tuple[Theme, ...]:
    """The themes shipped in ``themes.yaml`` (read on first use)."""
    text = resources.files("kasasu.voice").joinpath("themes.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return tuple(
        Theme(code, dict(item["label"]), tuple(item["ja"]) + tuple(item["en"]))
        for code, item in data.items()
    )


@cache
def _theme_terms() -> tuple[dict[str, frozenset[str]], tuple[tuple[str, frozenset[str]], ...]]:
    """One-word terms → their themes, and the terms of several words with their theme.

    Each listed term as the tokens it becomes, so it matches what tokenize() gives: 対応 in
    「対応していなかった」, 費用対効果 as itself, "prices" as price.
    """
    single: dict[str, set[str]] = {}
    several: list[tuple[str, frozenset[str]]] = []
    for t in themes():
        for term in t.terms:
            words = frozenset(tokenize(term))
            if len(words) == 1:
                single.setdefault(next(iter(words)), set()).add(t.code)
            elif words:
                several.append((t.code, words))
    return {w: frozenset(c) for w, c in single.items()}, tuple(several)


def themes_of(tokens: Iterable[str]) -> set[str]:
    """The codes of the themes one of whose terms occurs in ``tokens`` (a term of several
    words needs all of them)."""
    single, several = _theme_terms()
    present = set(tokens)
    found: set[str] = set()
    for word in present:
        codes = single.get(word)
        if codes:
            found |= codes
    found.update(code for code, words in several if code not in found and words <= present)
    return found


def theme_label(code: str, locale: str) -> str:
    for t in themes():
        if t.code == code:
            return t.labels.get(locale[:2]) or t.labels.get("en") or code
    return code
