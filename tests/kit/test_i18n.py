"""Every text a user can see exists in Japanese and English (DESIGN.md §6)."""

from __future__ import annotations

import string
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from kasasu.kit.i18n import Message, negotiate_locale, translate

SRC = Path(__file__).resolve().parents[2] / "src" / "kasasu"
CATALOG = SRC / "locale" / "ja" / "LC_MESSAGES" / "messages.po"


def _source_msgids() -> set[str]:
    extracted = extract_from_dir(
        str(SRC),
        method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
        keywords={"_": None, "t": None, "translate": None, "N_": None},
    )
    return {message for _f, _l, message, _c, _x in extracted if isinstance(message, str)}


def _catalog() -> dict[str, str]:
    with CATALOG.open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if m.id}


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_every_message_has_a_japanese_translation() -> None:
    catalog = _catalog()
    msgids = _source_msgids()
    assert len(msgids) > 100
    missing = sorted(m for m in msgids if not catalog.get(m))
    assert missing == []


def test_translations_keep_their_placeholders() -> None:
    wrong = {m: s for m, s in _catalog().items() if _fields(m) != _fields(s)}
    assert wrong == {}


def test_catalogue_has_no_stale_entries() -> None:
    assert set(_catalog()) - _source_msgids() == set()


def test_message_renders_in_either_language() -> None:
    message = Message("{noun} {id} does not exist", {"noun": Message("Account"), "id": 7})
    assert message.render("ja") == "顧客企業 7 は存在しません"
    assert message.render("en") == "Account 7 does not exist"
    assert translate("Not found", "ja-JP") == "見つかりません"


def test_accept_language_prefers_the_highest_weight() -> None:
    assert negotiate_locale("fr-FR, en;q=0.8, ja;q=0.9") == "ja"
    assert negotiate_locale("en-US,en;q=0.9") == "en"
    assert negotiate_locale("fr", default="en") == "en"
    assert negotiate_locale(None, default="en") == "en"


def test_one_japanese_word_per_concept() -> None:
    """更新 is a renewal and 再計算 the daily refresh; 担当CSM is ours and 先方担当者 the
    customer's contact (issue 16: a team must never read one for the other)."""
    import re

    mixed = []
    for msgid, msgstr in _catalog().items():
        lowered, plain = msgid.lower(), msgstr.replace("先方担当者", "")
        if (
            "refresh" in lowered
            and "renew" not in lowered
            and re.search("更新|リフレッシュ", msgstr)
        ):
            mixed.append(msgid)
        if re.search(r"\b(contacts?|owners?)\b", lowered) and "担当者" in plain:
            mixed.append(msgid)
    assert mixed == []
