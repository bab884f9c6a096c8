"""Translations from Babel message catalogues (``src/kasasu/locale``).

Message ids are the English text with ``{name}`` placeholders; the Japanese catalogue
translates them. Messages stay lazy (:class:`Message`) until a delivery layer renders them
in the user's locale, so errors and import reports can be shown in either language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

LOCALES = ("ja", "en")
DEFAULT_LOCALE = "ja"
_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


@dataclass(frozen=True)
class Message:
    """A translatable text and its parameters, rendered late in the reader's locale."""

    msgid: str
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, locale: str) -> str:
        return translate(self.msgid, locale, **self.params)

    def __str__(self) -> str:
        return self.render("en")


def _(msgid: str, /, **params: object) -> Message:
    """Mark ``msgid`` for extraction and return it as a lazy :class:`Message`."""
    return Message(msgid, params)


def N_(msgid: str, /) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark text that is translated later by its msgid (CLI help); returns it unchanged."""
    return msgid


def normalize_locale(locale: str | None) -> str:
    """Map ``ja-JP``, ``en_US`` and the like onto a supported locale, else the default."""
    if not locale:
        return DEFAULT_LOCALE
    base = locale.replace("-", "_").split("_", 1)[0].lower()
    return base if base in LOCALES else DEFAULT_LOCALE


def negotiate_locale(accept_language: str | None, default: str = DEFAULT_LOCALE) -> str:
    """Pick the first supported language of an HTTP ``Accept-Language`` header."""
    if not accept_language:
        return default
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        lang, _sep, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            continue
        base = lang.strip().replace("-", "_").split("_", 1)[0].lower()
        if base in LOCALES:
            ranked.append((weight, base))
    if not ranked:
        return default
    return max(ranked, key=lambda item: item[0])[1]


@cache
def _catalog(locale: str) -> dict[str, str]:
    path = _LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    return {
        str(m.id): str(m.string)
        for m in catalog
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def translate(msgid: str, locale: str, /, **params: object) -> str:
    text = _catalog(normalize_locale(locale)).get(msgid, msgid)
    if not params:
        return text
    rendered = {k: v.render(locale) if isinstance(v, Message) else v for k, v in params.items()}
    return text.format(**rendered)
