"""Japanese text: whether a text has any, Sudachi's dictionary (loaded once per process, on
first use, never at import time) and the reading of a name.

Each thread gets its own tokenizer from the one dictionary, because a Sudachi tokenizer must
not be used by two threads at once (the web server answers requests on a thread pool).
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

# Hiragana, katakana (full and half width) and CJK ideographs.
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_local = threading.local()


def is_japanese(text: str) -> bool:
    return _JAPANESE.search(text) is not None


@cache
def dictionary() -> Any:
    """The process's Sudachi core dictionary (a wheel from PyPI: nothing downloads)."""
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def tokenizer(fields: frozenset[str]) -> Any:
    """This thread's tokenizer (split mode C) that reads ``fields`` of each word."""
    from sudachipy import SplitMode

    made: dict[frozenset[str], Any] = _local.__dict__.setdefault("tokenizers", {})
    if fields not in made:
        found = dictionary()
        # SudachiPy 0.7 names it tokenizer(); 0.6 had only create() (deprecated in 0.7).
        make = getattr(found, "tokenizer", None) or found.create
        made[fields] = make(mode=SplitMode.C, fields=set(fields))
    return made[fields]


_READING = frozenset({"reading_form"})


def reading(text: str) -> str:
    """The katakana reading of the Japanese words of ``text`` (株式会社仙台 →
    カブシキガイシャセンダイ), from Sudachi's dictionary; letters, digits and symbols are
    left out, and a text without Japanese has none."""
    if not is_japanese(text):
        return ""
    words = tokenizer(_READING).tokenize(text)
    return "".join(w.reading_form() for w in words if is_japanese(w.surface()))
