from __future__ import annotations

from kasasu.accounts.repository import AccountRepository
from kasasu.db.service import CrudService
from kasasu.feedback.repository import FeedbackRepository
from kasasu.feedback.schemas import FeedbackCreate, FeedbackRead
from kasasu.kit.i18n import _
from kasasu.models import Feedback


class FeedbackService(CrudService[Feedback, FeedbackCreate, FeedbackCreate, FeedbackRead]):
    repository = FeedbackRepository
    read_schema = FeedbackRead
    noun = _("Feedback")
    references = {"account_id": AccountRepository}
    external_id_prefix = "fb"


feedback = FeedbackService()
