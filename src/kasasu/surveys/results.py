"""A campaign's results: NPS with its 95% interval (the one definition in
kasasu.analytics), CSAT, CES, answers and response rate, overall and by account plan."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.orm import Session

from kasasu.analytics.kpis_voice import Z95, nps_and_variance
from kasasu.domain.choices import SurveyKind
from kasasu.surveys.campaign_schemas import CampaignRead, CampaignResults, ScoreSummary
from kasasu.surveys.campaigns import campaign_row
from kasasu.surveys.repository import (
    CampaignRepository,
    InvitationRepository,
    ResponseRepository,
)


def campaign_results(session: Session, name: str) -> CampaignResults:
    campaign = campaign_row(session, name)
    scores = ResponseRepository(session).scores_by_plan(campaign.name)
    sent = InvitationRepository(session).sent_by_plan(campaign.id)
    by_plan: dict[str | None, list[int]] = defaultdict(list)
    for plan, score in scores:
        by_plan[plan].append(score)
    sent_of = {plan: (n, answered) for plan, n, answered in sent}
    plans = sorted(set(by_plan) | set(sent_of), key=lambda p: (p is None, p or ""))
    total_sent = (sum(n for n, _a in sent_of.values()), sum(a for _n, a in sent_of.values()))
    return CampaignResults(
        campaign=CampaignRead.model_validate(campaign),
        total=summarize(campaign.kind, None, [s for _p, s in scores], total_sent),
        by_plan=[
            summarize(campaign.kind, p, by_plan.get(p, []), sent_of.get(p, (0, 0))) for p in plans
        ],
    )


def summarize(
    kind: SurveyKind, group: str | None, scores: Sequence[int], sent: tuple[int, int]
) -> ScoreSummary:
    """``sent`` is (invitations sent, of them answered): the response rate's terms."""
    n = len(scores)
    summary = ScoreSummary(
        group=group,
        answers=n,
        sent=sent[0],
        response_rate=sent[1] / sent[0] if sent[0] else None,
    )
    if not n:
        return summary
    if kind is SurveyKind.NPS:
        summary.promoters = sum(1 for s in scores if s >= 9)
        summary.passives = sum(1 for s in scores if 7 <= s <= 8)
        summary.detractors = sum(1 for s in scores if s <= 6)
        value, variance = nps_and_variance(
            float(summary.promoters), float(summary.detractors), float(n)
        )
        half = Z95 * math.sqrt(max(variance, 0.0))
        summary.nps = value
        summary.nps_low, summary.nps_high = max(value - half, -100.0), min(value + half, 100.0)
    elif kind is SurveyKind.CSAT:
        summary.csat = sum(1 for s in scores if s >= 4) / n
    else:
        summary.ces = sum(scores) / n
    return summary


def campaigns_with_results(session: Session) -> list[CampaignResults]:
    """Every campaign, newest first, with its results (a handful of campaigns: two
    queries each)."""
    return [campaign_results(session, c.name) for c in CampaignRepository(session).list_all()]
