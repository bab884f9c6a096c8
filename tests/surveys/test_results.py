"""Campaign results against hand-computed figures (docs/metrics.md: NPS ± 1.96 × √Var)."""

from __future__ import annotations

import math
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kasasu.domain.choices import SurveyKind
from kasasu.models import SurveyInvitation, SurveyResponse
from kasasu.surveys.campaign_schemas import CampaignCreate
from kasasu.surveys.campaigns import create_campaign
from kasasu.surveys.results import campaign_results, summarize
from tests.surveys.conftest import NOW, World, config_for


def _answer(s: Session, world: World, account: str, score: int, i: int) -> None:
    s.add(
        SurveyResponse(
            external_id=f"r{i}",
            account_id=world.accounts[account],
            kind=SurveyKind.NPS,
            score=score,
            answered_at=NOW,
            campaign="res",
        )
    )


def test_nps_with_its_interval_on_ten_answers(
    session: Session, world: World, tmp_path: Path
) -> None:
    create_campaign(session, CampaignCreate(name="res", segment="all"), config_for(25, tmp_path))
    # 5 promoters, 3 passives, 2 detractors; plan pro: 三葉商事 and 山田工業, basic: Acme.
    pro = [10, 10, 9, 9, 9, 8, 7]
    basic = [7, 3, 0]
    for i, score in enumerate(pro):
        _answer(session, world, "三葉商事" if i % 2 else "山田工業", score, i)
    for i, score in enumerate(basic):
        _answer(session, world, "Acme", score, 100 + i)
    # Sent: 4 invitations to pro accounts (2 answered), 2 to basic (1 answered), 1 unsent.
    campaign_id = campaign_results(session, "res").campaign.id
    rows = [
        ("三葉商事", True, True),
        ("三葉商事", True, False),
        ("山田工業", True, True),
        ("山田工業", True, False),
        ("Acme", True, True),
        ("Acme", True, False),
        ("Acme", False, False),
    ]
    contact = {
        "三葉商事": "hanako@mitsuba.jp",
        "山田工業": "taro@yamada.jp",
        "Acme": "jane@acme.com",
    }
    for account, sent, answered in rows:
        session.add(
            SurveyInvitation(
                account_id=world.accounts[account],
                contact_id=world.contacts[contact[account]],
                kind=SurveyKind.NPS,
                source="campaign:res",
                campaign_id=campaign_id,
                sent_at=NOW if sent else None,
                answered_at=NOW + timedelta(hours=1) if answered else None,
            )
        )
    session.flush()

    results = campaign_results(session, "res")

    total = results.total
    assert (total.answers, total.promoters, total.passives, total.detractors) == (10, 5, 3, 2)
    assert total.nps == pytest.approx(30.0)  # 50% − 20%
    # Var = 100² × (0.5 + 0.2 − 0.3²) / 10 = 610; half-width 1.96 × √610 ≈ 48.41
    half = 1.96 * math.sqrt(610)
    assert total.nps_low == pytest.approx(30 - half)
    assert total.nps_high == pytest.approx(30 + half)
    assert (total.sent, total.response_rate) == (6, pytest.approx(3 / 6))

    by_plan = {s.group: s for s in results.by_plan}
    assert set(by_plan) == {"basic", "pro"}
    # basic: 7, 3, 0 → 0 promoters, 2 detractors: NPS −66.7, Var = 100²×(2/3 − 4/9)/3
    basic_half = 1.96 * math.sqrt(10_000 * (2 / 3 - 4 / 9) / 3)
    assert by_plan["basic"].nps == pytest.approx(-200 / 3)
    assert by_plan["basic"].nps_low == pytest.approx(max(-200 / 3 - basic_half, -100))
    assert by_plan["basic"].response_rate == pytest.approx(1 / 2)
    # pro: 5 promoters of 7, no detractor: NPS 71.4
    assert by_plan["pro"].nps == pytest.approx(500 / 7)
    assert by_plan["pro"].response_rate == pytest.approx(2 / 4)


def test_csat_is_the_share_of_4_and_5_and_ces_the_mean() -> None:
    csat = summarize(SurveyKind.CSAT, None, [5, 4, 3, 1], (8, 4))
    assert csat.csat == pytest.approx(0.5)
    assert csat.response_rate == pytest.approx(0.5)
    ces = summarize(SurveyKind.CES, None, [7, 6, 2], (0, 0))
    assert ces.ces == pytest.approx(5.0)
    assert ces.response_rate is None  # nothing sent
    assert summarize(SurveyKind.NPS, None, [], (3, 0)).nps is None
