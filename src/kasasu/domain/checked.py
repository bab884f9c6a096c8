"""What people write (scorecards, playbooks and onboarding templates in YAML; a command's
options): read with an error that names where a text stops being YAML, and checked against
its model with every problem named by its path."""

from __future__ import annotations

from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import Message, _
from kasasu.kit.validation import pydantic_reason

M = TypeVar("M", bound=BaseModel)


def load_yaml(text: str, source: str) -> Any:
    """The data of a YAML (or JSON) text; an error names the line and column where it is
    not YAML."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = str(getattr(exc, "problem", None) or exc)
        raise InvalidInput(
            _("{where}: not valid YAML ({problem})", where=where, problem=problem)
        ) from exc


def validated(model: type[M], data: Any, refusal: Message) -> M:
    """``data`` as ``model``; else ``refusal`` with a field error per problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldError(tuple(e["loc"]), pydantic_reason(e), e.get("input")) for e in exc.errors()
        ]
        raise InvalidInput(refusal, errors) from exc
