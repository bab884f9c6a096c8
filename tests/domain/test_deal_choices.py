"""Deal stages and kinds as CRMs export them: HubSpot's stage ids and deal types,
Salesforce's opportunity stages and types, and Japanese words."""

from __future__ import annotations

import pytest

from kasasu.domain.choices import DealKind, DealStage
from kasasu.kit.choices import parse_choice

S = DealStage
HUBSPOT = {
    "appointmentscheduled": S.QUALIFICATION,
    "qualifiedtobuy": S.QUALIFICATION,
    "presentationscheduled": S.PROPOSAL,
    "decisionmakerboughtin": S.PROPOSAL,
    "contractsent": S.NEGOTIATION,
    "closedwon": S.WON,
    "closedlost": S.LOST,
}
SALESFORCE = {
    "Prospecting": S.QUALIFICATION,
    "Qualification": S.QUALIFICATION,
    "Needs Analysis": S.QUALIFICATION,
    "Value Proposition": S.PROPOSAL,
    "Id. Decision Makers": S.PROPOSAL,
    "Perception Analysis": S.PROPOSAL,
    "Proposal/Price Quote": S.PROPOSAL,
    "Negotiation/Review": S.NEGOTIATION,
    "Closed Won": S.WON,
    "Closed Lost": S.LOST,
}
JAPANESE = {"ヒアリング": S.QUALIFICATION, "提案": S.PROPOSAL, "交渉": S.NEGOTIATION,
            "受注": S.WON, "失注": S.LOST}  # fmt: skip


@pytest.mark.parametrize(("text", "stage"), [*HUBSPOT.items(), *SALESFORCE.items(),
                                             *JAPANESE.items()])  # fmt: skip
def test_crm_stages(text: str, stage: DealStage) -> None:
    assert parse_choice(DealStage, text) is stage
    assert parse_choice(DealStage, text.upper()) is stage  # as a spreadsheet may shout it


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("newbusiness", DealKind.NEW),  # HubSpot
        ("New Customer", DealKind.NEW),  # Salesforce
        ("新規", DealKind.NEW),
        ("existingbusiness", DealKind.EXPANSION),
        ("Existing Customer - Upgrade", DealKind.EXPANSION),
        ("アップセル", DealKind.EXPANSION),
    ],
)
def test_deal_kinds(text: str, kind: DealKind) -> None:
    assert parse_choice(DealKind, text) is kind
