"""Text as full-text search compares it: words in their dictionary forms, and highlights.

Japanese goes through SudachiPy as the voice slice's does (kasasu.kit.japanese: the core
dictionary, a tokenizer per thread), in its short units (split mode A, so 請求書 gives 請求
and 書 and a search for 請求 finds it) and their normalized dictionary forms (発行した →
発行 + する; わかる → 分かる). Kept: nouns, verbs, adjectives, adjectival nouns, adverbs
and numbers; dropped: particles, auxiliaries, symbols and the words that only help another
(する, いる, できる, こと, ため: Sudachi's 非自立可能, "may be dependent"). English (and
Latin words inside Japanese) is lowercased and stemmed by Snowball's English stemmer
(exported, exporting, exports → export), without its function words.

Every term is letters and digits only, so that SQLite's unicode61 tokenizer and PostgreSQL's
default parser each read one term as one token: the same terms on both databases.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

from kasasu.kit.japanese import is_japanese, tokenizer

MAX_TERM = 64  # longer "words" (a pasted hash, a URL's tail) are not searched
_WORD = re.compile(r"[^\W_]+")
_FIELDS = frozenset({"pos", "normalized_form", "split_a"})
_KEPT = frozenset({"名詞", "動詞", "形容詞", "形状詞", "副詞", "接頭辞", "接尾辞"})
_HELPER = "非自立可能"  # する, いる, ある, できる, こと, もの, ため, ところ …
# Nouns that only frame a clause, when written in kana (とき, こと): as normalized forms.
_FRAMING = frozenset({"時", "事", "物", "為", "所", "様", "等", "方"})
_KANA = re.compile(r"[\u3041-\u30ff]+")
# Function words English search leaves out (articles, pronouns, auxiliaries, prepositions):
# "how do I export" finds what "export" finds.
_STOP_WORDS = """
    a about after all also am an and any are as at be been being but by can could did do
    does doing for from had has have having he her his how i if in into is it its me my no
    nor not of on or our she so than that the their them then there these they this those
    to too us was we were what when where which while who why will with would you your
    """
ENGLISH_STOP_WORDS = frozenset(_STOP_WORDS.split())


@dataclass(frozen=True)
class Word:
    """A word of a text: where it is (``start``, ``end``: offsets in the text as given) and
    the terms it is searched by (one, or its short units' for a Japanese compound)."""

    start: int
    end: int
    terms: tuple[str, ...]


@cache
def _stemmer() -> Any:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def fold_latin(word: str) -> str | None:
    """A Latin-script (or digit) word as a term: NFKC, lowercase, stemmed; None for a
    function word."""
    folded = unicodedata.normalize("NFKC", word).casefold()
    if folded in ENGLISH_STOP_WORDS:
        return None
    if folded.isascii() and folded.isalpha():
        stem: str = _stemmer().stemWord(folded)
        return stem
    return folded


def _terms_of(raw: str) -> tuple[str, ...]:
    """``raw`` (a dictionary form) cut into the letters-and-digits terms search stores."""
    found: list[str] = []
    for part in _WORD.findall(raw):
        term = fold_latin(part) if not is_japanese(part) else unicodedata.normalize("NFKC", part)
        if term and len(term) <= MAX_TERM:
            found.append(term)
    return tuple(found)


def words(text: str) -> Iterator[Word]:
    """The searchable words of ``text``, in order."""
    if not text or not text.strip():
        return
    if not is_japanese(text):
        for match in _WORD.finditer(text):
            terms = _terms_of(match.group())
            if terms:
                yield Word(match.start(), match.end(), terms)
        return
    yield from _japanese(text)


def _japanese(text: str) -> Iterator[Word]:
    from sudachipy import SplitMode

    for morpheme in tokenizer(_FIELDS).tokenize(text):
        units = morpheme.split(SplitMode.A)
        terms: list[str] = []
        for unit in units if len(units) > 1 else [morpheme]:
            if _kept(unit):
                # A Latin word by its own spelling: Sudachi's normalized form of "export" is
                # エクスポート, which an English query would never give.
                surface = unit.surface()
                terms.extend(_terms_of(unit.normalized_form() if is_japanese(surface) else surface))
        if terms:
            yield Word(morpheme.begin(), morpheme.end(), tuple(dict.fromkeys(terms)))


def _kept(unit: Any) -> bool:
    pos = unit.part_of_speech()
    if pos[0] not in _KEPT or pos[1] in (_HELPER, "助動詞語幹"):
        return False
    return not (unit.normalized_form() in _FRAMING and _KANA.fullmatch(unit.surface()))


def terms(text: str) -> list[str]:
    """Every term of ``text``, in order, repeats kept (they weigh in the ranking)."""
    return [term for word in words(text) for term in word.terms]


def query_terms(text: str) -> list[str]:
    """The distinct terms of a query: a document must hold every one of them."""
    return list(dict.fromkeys(terms(text)))


def joined(found: Iterable[str]) -> str:
    """Terms as a document stores them: separated by one space."""
    return " ".join(found)


def highlight(text: str, wanted: Iterable[str], width: int = 160) -> str:
    """HTML of ``text`` with the words that hold one of the ``wanted`` terms in ``<mark>``,
    everything else escaped. A text longer than ``width`` characters is cut to a window
    around its first marked word, with an ellipsis where it was cut."""
    wanted = set(wanted)
    marked = [w for w in words(text) if wanted.intersection(w.terms)]
    start, end = _window(text, marked, width)
    html: list[str] = ["…"] if start > 0 else []
    at = start
    for word in marked:
        if word.start < at or word.end > end:
            continue
        html += [escape(text[at : word.start]), "<mark>", escape(text[word.start : word.end])]
        html.append("</mark>")
        at = word.end
    html.append(escape(text[at:end]))
    if end < len(text):
        html.append("…")
    return "".join(html)


def _window(text: str, marked: list[Word], width: int) -> tuple[int, int]:
    if len(text) <= width:
        return 0, len(text)
    first = marked[0].start if marked else 0
    start = max(0, min(first - width // 4, len(text) - width))
    return start, start + width
