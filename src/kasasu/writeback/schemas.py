"""An account's health as it goes back to a CRM, and the columns each CRM's import reads
(docs/crm-write-back.md lists the properties to create there)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

CrmFormat = Literal["hubspot", "salesforce"]
CRM_FORMATS: tuple[CrmFormat, ...] = get_args(CrmFormat)


class AccountHealth(BaseModel):
    """One account's health on the latest refresh day (none of it when not scored)."""

    account_id: int
    external_id: str = Field(description="Kasasu's external id of the account")
    name: str
    domain: str | None
    crm_ids: dict[str, str] = Field(description="The account's id in each source (hubspot, …)")
    health_score: float | None = Field(description="0–100, one decimal")
    health_band: str | None = Field(description="red, yellow, green or unknown")
    churn_risk: float | None = Field(description="Percent (0–100), one decimal")
    owner_email: str | None = Field(description="The CSM's email")
    refreshed_on: date | None = Field(description="The refresh day the health comes from")

    def sent(self) -> dict[str, Any]:
        """What a change is measured on: the CRM is told again when one of these moves."""
        return {
            "health_score": self.health_score,
            "health_band": self.health_band,
            "churn_risk": self.churn_risk,
            "owner_email": self.owner_email,
        }


Column = tuple[str, Callable[[AccountHealth], Any]]


def _day(h: AccountHealth) -> str | None:
    return h.refreshed_on.isoformat() if h.refreshed_on else None


# HubSpot companies: matched on Record ID (hs_object_id), else on the company domain name;
# the kasasu_* custom properties hold the health (internal names, as the import maps them).
HUBSPOT: tuple[Column, ...] = (
    ("hs_object_id", lambda h: h.crm_ids.get("hubspot")),
    ("domain", lambda h: h.domain),
    ("name", lambda h: h.name),
    ("kasasu_account_id", lambda h: h.external_id),
    ("kasasu_health_score", lambda h: h.health_score),
    ("kasasu_health_band", lambda h: h.health_band),
    ("kasasu_churn_risk", lambda h: h.churn_risk),
    ("kasasu_csm_email", lambda h: h.owner_email),
    ("kasasu_health_date", _day),
)
# Salesforce accounts: matched on the record Id; custom fields by their API names.
SALESFORCE: tuple[Column, ...] = (
    ("Id", lambda h: h.crm_ids.get("salesforce")),
    ("Name", lambda h: h.name),
    ("Kasasu_Account_Id__c", lambda h: h.external_id),
    ("Kasasu_Health_Score__c", lambda h: h.health_score),
    ("Kasasu_Health_Band__c", lambda h: h.health_band),
    ("Kasasu_Churn_Risk__c", lambda h: h.churn_risk),
    ("Kasasu_CSM_Email__c", lambda h: h.owner_email),
    ("Kasasu_Health_Date__c", _day),
)
CRM_COLUMNS: dict[str, tuple[Column, ...]] = {"hubspot": HUBSPOT, "salesforce": SALESFORCE}
