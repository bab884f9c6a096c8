from __future__ import annotations

from kasasu.db.service import CrudService
from kasasu.kit.i18n import _
from kasasu.models import Milestone
from kasasu.onboarding.repository import MilestoneRepository
from kasasu.onboarding.schemas import MilestoneCreate, MilestoneRead


class MilestoneService(CrudService[Milestone, MilestoneCreate, MilestoneCreate, MilestoneRead]):
    repository = MilestoneRepository
    read_schema = MilestoneRead
    noun = _("Milestone")
    external_id_prefix = "ms"


milestones = MilestoneService()
