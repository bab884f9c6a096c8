"""Closed vocabularies whose members carry their own label and import aliases.

A member is declared as ``HIGH = "high", _("High touch"), ("high-touch",)``: the code
stored in the database and used by the API, the label people read (ja and en), and other
words CS teams write for it in spreadsheets. Members stay plain strings (``== "high"``)."""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from functools import cache
from typing import Self, TypeVar

from kasasu.kit.i18n import LOCALES, Message


class LabelledChoice(StrEnum):
    label: Message
    aliases: tuple[str, ...]

    # ``label`` has a default only for the type checker: a lookup such as TouchModel("high")
    # calls the enum's own constructor, never this one; declaring a member without a
    # label is refused here.
    def __new__(
        cls, value: str, label: Message | None = None, aliases: tuple[str, ...] = ()
    ) -> Self:
        if label is None:
            raise TypeError(f"{cls.__name__}.{value}: a choice needs its label")
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.aliases = aliases
        return member


E = TypeVar("E", bound=StrEnum)


def label(value: StrEnum) -> Message:
    if not isinstance(value, LabelledChoice):
        raise TypeError(f"{type(value).__name__} is not a labelled choice")
    return value.label


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


@cache
def _lookup(enum_cls: type[StrEnum]) -> dict[str, StrEnum]:
    table: dict[str, StrEnum] = {}
    for member in enum_cls:
        names = [member.value, member.name]
        if isinstance(member, LabelledChoice):
            names += [*member.aliases, *(member.label.render(locale) for locale in LOCALES)]
        for name in names:
            table.setdefault(_key(name), member)
    return table


def parse_choice(enum_cls: type[E], text: str) -> E | None:
    """Return the member whose code, label (ja or en) or alias is ``text``, else None."""
    found = _lookup(enum_cls).get(_key(text))
    return found if isinstance(found, enum_cls) else None
