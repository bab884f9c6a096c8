from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from kasasu.contacts.service import contact_of_account_errors
from kasasu.db.service import CrudService
from kasasu.domain.choices import SurveyKind
from kasasu.errors import FieldError
from kasasu.kit.i18n import _
from kasasu.models import SurveyResponse
from kasasu.surveys.repository import ResponseRepository
from kasasu.surveys.schemas import ResponseCreate, ResponseRead, ResponseUpdate


def score_errors(values: Mapping[str, Any]) -> list[FieldError]:
    kind, score = values.get("kind"), values.get("score")
    if kind is None or score is None:
        return []
    low, high = SurveyKind(kind).score_range
    if low <= score <= high:
        return []
    return [
        FieldError(
            ("body", "score"),
            _(
                "A {kind} score is from {low} to {high}",
                kind=SurveyKind(kind).value.upper(),
                low=low,
                high=high,
            ),
            score,
        )
    ]


class ResponseService(CrudService[SurveyResponse, ResponseCreate, ResponseUpdate, ResponseRead]):
    repository = ResponseRepository
    read_schema = ResponseRead
    noun = _("Survey response")
    external_id_prefix = "resp"

    def validate(self, session: Session, values: Mapping[str, Any]) -> list[FieldError]:
        return score_errors(values) + contact_of_account_errors(session, values)


responses = ResponseService()
