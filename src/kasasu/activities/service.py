from __future__ import annotations

from collections.abc import Mapping
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
