from __future__ import annotations

from kasasu.db.repository import Repository
from kasasu.models import SurveyResponse


class ResponseRepository(Repository[SurveyResponse]):
    model = SurveyResponse
    sortable = ("id", "answered_at", "score", "created_at")
    default_sort = "-answered_at"
    searchable = ("comment", "external_id")
