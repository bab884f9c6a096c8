from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kasasu.activities.repository import ActivityRepository
from kasasu.activities.schemas import ActivityCreate, ActivityRead, ActivityUpdate
from kasasu.contacts.service import contact_of_account_errors
from kasasu.db.service import CrudService
from kasasu.errors import FieldError
from kasasu.kit.i18n import _
from kasasu.models import Activity


class ActivityService(CrudService[Activity, ActivityCreate, ActivityUpdate, ActivityRead]):
    repository = ActivityRepository
    read_schema = ActivityRead
    noun = _("Activity")
    external_id_prefix = "act"

    def validate(self, session: Session, values: Mapping[str, Any]) -> list[FieldError]:
        return contact_of_account_errors(session, values)


activities = ActivityService()


def last_touch(session: Session, account_id: int) -> dict[int, datetime]:
    """Contact id → when someone last logged an activity with them at the account."""
    return ActivityRepository(session).last_touch(account_id)
