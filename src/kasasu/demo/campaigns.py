"""The demo's NPS campaigns as a team that sent them from Kasasu would have them: one sent
campaign per quarter, an invitation to everyone it asked, answered or not, so the survey
pages show response rates and the next campaign's throttle sees who was asked lately."""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from kasasu.demo.shapes import Row
from kasasu.demo.timeline import Calendar
from kasasu.domain.choices import SurveyKind

THROTTLE_DAYS = 90  # SurveyConfig's defaults: what a campaign created in the UI would get
EXPIRES_DAYS = 30


def campaign_rows(
    seed: int, cal: Calendar, asked: list[Row], first_campaign: int, first_invitation: int
) -> tuple[list[Row], list[Row]]:
    """(campaigns, invitations) from who each NPS round asked (``make_nps``). Tokens and
    public ids come from the seed: a link also needs the site's secret, which is not."""
    rng = np.random.default_rng([seed, 15])
    campaigns: dict[str, Row] = {}
    invitations: list[Row] = []
    for n, person in enumerate(asked):
        name = person["campaign"]
        if name not in campaigns:
            sent = cal.instant(person["day"], 9.0)
            campaigns[name] = {
                "id": first_campaign + len(campaigns),
                "name": name,
                "public_id": rng.bytes(12).hex(),
                "kind": SurveyKind.NPS,
                "audience": [],
                "channel_email": True,
                "channel_page": False,
                "channel_widget": False,
                "status": "sent",
                "throttle_days": THROTTLE_DAYS,
                "expires_days": EXPIRES_DAYS,
                "sent_at": sent,
                "created_at": sent,
                "updated_at": sent,
            }
        campaign = campaigns[name]
        campaign["audience"].append(person["contact_id"])
        answered = person["answered_at"]
        sent = min(campaign["sent_at"], answered) if answered else campaign["sent_at"]
        invitations.append(
            {
                "id": first_invitation + n,
                "account_id": person["account_id"],
                "contact_id": person["contact_id"],
                "kind": SurveyKind.NPS,
                "status": "answered" if answered else "sent",
                "source": f"campaign:{name}",
                "campaign_id": campaign["id"],
                "token": rng.bytes(18).hex(),
                "sent_at": sent,
                "answered_at": answered,
                "expires_at": campaign["sent_at"] + timedelta(days=EXPIRES_DAYS),
                "created_at": sent,
                "updated_at": answered or sent,
            }
        )
    return list(campaigns.values()), invitations
