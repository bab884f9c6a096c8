"""Search as a Japanese team types: 仙台 is found from せんだい, センダイ, ｾﾝﾀﾞｲ or sendai.

Text is folded (NFKC, so half-width kana and full-width letters become ordinary ones;
katakana to hiragana; lower case; no spaces), and an account keeps one ``search_text`` of
its folded name, reading (its kana, else the dictionary's), the reading in romaji (as typed
on a Japanese keyboard, ``toukyou``, and without long vowels, ``tokyo``), external id and
domain. A query is folded the same way and looked for inside it.
"""

from __future__ import annotations

import re
import unicodedata

import jaconv

from kasasu.kit import japanese

# Spaces and control characters, which nobody types in a name. Not NUL: a query with one is
# refused like any text the databases cannot store (kasasu.db.engine), not matched.
_SPACES = re.compile(r"[\s\x01-\x1f\x7f-\x9f]+")
_KANA_ONLY = re.compile(r"[\u3041-\u309fー・]+")
# The long vowels Hepburn writes as one letter (東京 とうきょう toukyou → tokyo, 大阪 oosaka →
# osaka, 数 すう suu → su); ii and ei stay (新潟 niigata, 精工 seikou → seiko).
_LONG = re.compile(r"(?<=[ou])u|(?<=o)o")


def fold(text: str) -> str:
    """``text`` as search compares it: NFKC, hiragana for katakana, lower case, without
    spaces and control characters (but NUL)."""
    # Case folding and taking spaces out can each leave a letter and its accent apart:
    # normalise after them too, so that folding twice changes nothing.
    lower = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFKC", _SPACES.sub("", jaconv.kata2hira(lower)))


def romaji(kana: str) -> tuple[str, ...]:
    """The romanisations of a folded kana reading: as typed (``toukyou``) and without long
    vowels (``tokyo``); none when the reading is not all kana."""
    if not _KANA_ONLY.fullmatch(kana):
        return ()
    typed = jaconv.kana2alphabet(kana).replace("-", "").replace("・", "")
    short = _LONG.sub("", typed)
    return (typed,) if short == typed else (typed, short)


def search_text(
    name: str | None, kana: str | None, external_id: str | None, domain: str | None
) -> str:
    """What an account's search looks in: each part folded, the reading romanised too. The
    reading is the kana given, else the dictionary's reading of the name (kasasu.kit.japanese):
    an imported account without kana is found from せんだい and sendai as well."""
    reading = fold(kana or japanese.reading(name or ""))
    parts = [
        fold(name or ""),
        reading,
        *romaji(reading),
        fold(external_id or ""),
        fold(domain or ""),
    ]
    # Without NUL, so that a name with one is refused for the name alone, not for this too.
    return " ".join(dict.fromkeys(p.replace("\x00", "") for p in parts if p))
