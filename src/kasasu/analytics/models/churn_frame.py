"""How a table a CS team brings becomes what the churn models read: which columns are
numbers and which are categories, learned once from the training frame and applied the same
way to every frame scored later, and the label read from the ways spreadsheets write it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import Message, _

FloatArray = npt.NDArray[np.float64]
MAX_LEVELS = 50  # a category's most frequent levels kept; the rest are one level, "other"
OTHER = "(other)"
NUMERIC_SHARE = 0.95  # text columns whose non-blank values are numbers this often are numbers
_YES = {"1", "yes", "y", "true", "t", "はい", "解約", "churned"}
_NO = {"0", "no", "n", "false", "f", "いいえ", "継続", "retained"}


@dataclass(frozen=True)
class FrameSpec:
    """The columns a model reads, as learned from its training frame."""

    numeric: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]  # column → its levels (the model's order)
    ignored: dict[str, Message] = field(default_factory=dict)  # column → why it is not used

    @property
    def features(self) -> tuple[str, ...]:
        return (*self.numeric, *self.categories)

    def numbers(self, frame: pd.DataFrame) -> FloatArray:
        """Numeric columns as floats (NaN where missing), then each category as its level's
        index (NaN where missing; an unseen level counts as "other" when there is one)."""
        missing = [c for c in self.features if c not in frame.columns]
        if missing:
            raise InvalidInput(
                _("Columns missing: {names}", names=", ".join(missing)),
                [FieldError((c,), _("Missing"), None) for c in missing],
            )
        parts = [as_numbers(frame[c]) for c in self.numeric]
        for column, levels in self.categories.items():
            index = {level: float(i) for i, level in enumerate(levels)}
            other = index.get(OTHER, np.nan)
            texts = frame[column].map(_text)
            parts.append(
                np.array([np.nan if t is None else index.get(t, other) for t in texts], float)
            )
        if not parts:
            return np.zeros((len(frame), 0))
        return np.column_stack(parts)

    def raw_values(self, frame: pd.DataFrame) -> list[dict[str, Any]]:
        """Each row's value of every feature, as the table gave it (for the reasons)."""
        columns = list(self.features)
        return [
            {c: _plain(v) for c, v in zip(columns, row, strict=True)}
            for row in frame[columns].itertuples(index=False, name=None)
        ]


def learn_spec(
    frame: pd.DataFrame, leave_out: Iterable[str], categorical: Iterable[str] | None
) -> FrameSpec:
    chosen = set(categorical or ())
    unknown = sorted(chosen - set(frame.columns))
    if unknown:
        raise InvalidInput(
            _("Not a column of the table: {names}", names=", ".join(unknown)),
            [FieldError(("categorical",), _("Not a column"), n) for n in unknown],
        )
    skip = set(leave_out)
    numeric: list[str] = []
    categories: dict[str, tuple[str, ...]] = {}
    ignored: dict[str, Message] = {}
    for column in frame.columns:
        if column in skip:
            continue
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            ignored[column] = _("a date: give the days since it as a number instead")
            continue
        as_number = column not in chosen and _is_numeric(series)
        kind = _numeric_kind(series) if as_number else _levels(series)
        if isinstance(kind, Message):
            ignored[column] = kind
        elif kind is None:
            numeric.append(column)
        else:
            categories[column] = kind
    if not numeric and not categories:
        raise InvalidInput(
            _("No column to learn from besides the label"),
            [FieldError(("frame",), _("No usable column"), None)],
        )
    return FrameSpec(tuple(numeric), categories, ignored)


def read_label(series: pd.Series, name: str) -> npt.NDArray[np.int_]:
    """1 for churned, 0 for stayed, from booleans, 0/1 or words (Yes/No, true/false, はい/
    いいえ); anything else is refused with the rows it was found in."""
    values: list[int] = []
    bad: list[int] = []
    for row, value in enumerate(series.tolist(), start=1):
        text = _text(value)
        key = None if text is None else text.lower()
        if isinstance(value, bool | np.bool_):
            values.append(int(value))
        elif key in _YES or (key is not None and _number(key) == 1):
            values.append(1)
        elif key in _NO or (key is not None and _number(key) == 0):
            values.append(0)
        else:
            bad.append(row)
    if bad:
        shown = ", ".join(str(r) for r in bad[:10]) + (" …" if len(bad) > 10 else "")
        reason = _(
            "{n} rows of {column} are not yes/no, true/false or 1/0 (rows {rows})",
            n=len(bad),
            column=name,
            rows=shown,
        )
        raise InvalidInput(reason, [FieldError((name,), reason, None)])
    label = np.array(values, dtype=int)
    for cls, word in ((1, _("churned")), (0, _("stayed"))):
        if int((label == cls).sum()) < 5:
            reason = _("At least 5 rows must have {column} {word}", column=name, word=word)
            raise InvalidInput(reason, [FieldError((name,), reason, None)])
    return label


def _numeric_kind(series: pd.Series) -> Message | None:
    """None for a usable number column, else why it is not used."""
    values = as_numbers(series)
    finite = values[np.isfinite(values)]
    if finite.size == 0 or bool(np.all(finite == finite[0])):
        return _("the same value in every row")
    if _counts_rows(finite):
        return _("a different whole number in every row (an identifier)")
    return None


def _levels(series: pd.Series) -> tuple[str, ...] | Message:
    """A category's levels, most frequent first, else why it is not used."""
    texts = series.map(_text).dropna()
    counts = texts.value_counts()
    if len(counts) <= 1:
        return _("the same value in every row")
    if len(counts) == len(texts) and len(texts) > MAX_LEVELS:
        return _("a different value in every row (an identifier)")
    kept = tuple(str(v) for v in counts.index[:MAX_LEVELS])
    return kept + ((OTHER,) if len(counts) > MAX_LEVELS else ())


def as_numbers(series: pd.Series) -> FloatArray:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return np.asarray(pd.to_numeric(series, errors="coerce"), dtype=np.float64)
    cleaned = series.map(lambda v: _text(v) if not isinstance(v, bool) else str(int(v)))
    return pd.to_numeric(cleaned.str.replace(",", "", regex=False), errors="coerce").to_numpy(
        dtype=float
    )


def _is_numeric(series: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return True
    texts = series.map(_text).dropna()
    if texts.empty:
        return False
    parsed = pd.to_numeric(texts.str.replace(",", "", regex=False), errors="coerce")
    return bool(parsed.notna().mean() >= NUMERIC_SHARE)


def _counts_rows(values: FloatArray) -> bool:
    """Whole numbers, each row its own: a row number or a numeric id, no signal to learn."""
    return (
        values.size > MAX_LEVELS
        and bool(np.all(values == np.floor(values)))
        and len(np.unique(values)) == values.size
    )


def _text(value: Any) -> str | None:
    """A cell as trimmed text; None for blank or missing."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    text = str(value).strip()
    return text or None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and np.isnan(value):
        return None
    return value
