"""Loyal customers and advocates as the API and pages show them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from kasasu.kit.types import INPUT_CONFIG


class LoyalRow(BaseModel):
    account_id: int
    external_id: str
    name: str
    mrr: int = Field(description="MRR at the period's end (minor units)")
    tenure_months: int | None = Field(description="Whole months since the first contract start")
    nps: int
    band: str | None = Field(description="Band on the latest refresh")


class LoyalList(BaseModel):
    period: str
    currency: str
    require_green: bool
    customers: list[LoyalRow]


class AdvocateRow(BaseModel):
    contact_id: int
    name: str
    email: str | None
    title: str | None
    account_id: int
    account_name: str
    score: int
    answered_at: datetime
    comment: str | None


class ReferenceConsent(BaseModel):
    model_config = INPUT_CONFIG

    reference_ok: bool
