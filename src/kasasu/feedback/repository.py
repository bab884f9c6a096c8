from __future__ import annotations

from kasasu.db.repository import Repository
from kasasu.models import Feedback


class FeedbackRepository(Repository[Feedback]):
    model = Feedback
    searchable = ("title", "body")
