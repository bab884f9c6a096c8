"""Leads and deals: create, read, update, delete, list and upsert (the import's), with the
rules across their fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from kasasu.db.service import CrudService
from kasasu.domain.choices import DealStage
from kasasu.errors import FieldError
from kasasu.kit.i18n import _
from kasasu.models import Deal, Lead
from kasasu.pipeline.repository import DealRepository, LeadRepository
from kasasu.pipeline.schemas import (
    DealCreate,
    DealRead,
    DealUpdate,
    LeadCreate,
    LeadRead,
    LeadUpdate,
)

CLOSED = (DealStage.WON, DealStage.LOST)


def lead_errors(values: Mapping[str, Any]) -> list[FieldError]:
    created, qualified = values.get("created_at"), values.get("qualified_at")
    if created and qualified and qualified < created:
        return [FieldError(("body", "qualified_at"), _("Earlier than the lead came in"), qualified)]
    return []


def deal_errors(values: Mapping[str, Any]) -> list[FieldError]:
    """A won or lost deal says when; nothing closes before it was opened."""
    opened, closed = values.get("created_on"), values.get("closed_on")
    if opened and closed and closed < opened:
        return [FieldError(("body", "closed_on"), _("Earlier than the deal was opened"), closed)]
    if values.get("stage") in CLOSED and closed is None:
        return [FieldError(("body", "closed_on"), _("A won or lost deal needs its close day"))]
    return []


class LeadService(CrudService[Lead, LeadCreate, LeadUpdate, LeadRead]):
    repository = LeadRepository
    read_schema = LeadRead
    noun = _("Lead")
    external_id_prefix = "lead"

    def validate(self, session: Session, values: Mapping[str, Any]) -> list[FieldError]:
        return lead_errors(values)


class DealService(CrudService[Deal, DealCreate, DealUpdate, DealRead]):
    repository = DealRepository
    read_schema = DealRead
    noun = _("Deal")
    external_id_prefix = "deal"

    def validate(self, session: Session, values: Mapping[str, Any]) -> list[FieldError]:
        return deal_errors(values) + _lead_of_account_errors(session, values)


def _lead_of_account_errors(session: Session, values: Mapping[str, Any]) -> list[FieldError]:
    """A deal's lead, when it is some account's already, is its account's."""
    lead_id, account_id = values.get("lead_id"), values.get("account_id")
    if lead_id is None or account_id is None:
        return []
    owner = LeadRepository(session).accounts_of([lead_id]).get(lead_id)
    if owner is not None and owner != account_id:
        return [FieldError(("body", "lead_id"), _("The lead belongs to another account"), lead_id)]
    return []


leads = LeadService()
deals = DealService()


def lead_ids(session: Session, external_ids: list[str]) -> dict[str, int]:
    """External id → id of the leads that exist (the deals import names its lead so)."""
    return LeadRepository(session).map_external_ids(external_ids)
