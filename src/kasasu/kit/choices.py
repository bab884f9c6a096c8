"""Closed vocabularies whose members carry their own label and import aliases.

A member is declared as ``HIGH = "high", _("High touch"), ("high-touch",)``: the code
stored in the database and used by the API, the label people read (ja and en), and other
words CS teams write for it in spreadsheets. Members stay plain strings (``== "high"``)."""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from kasasu.kit.i18n import Message


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
