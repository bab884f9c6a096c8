"""Lifetime values as a CS leader and a CSM read them: the account's value with what it is
made of, the total with its spread and the value at risk, in the API too (values stored
by hand)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.models import LifetimeValue, ValueFit
from tests.onboarding.world import account_on_contract
from tests.web.conftest import SignIn

DAY = date(2026, 12, 1)


def _values(sessions: sessionmaker[Session]) -> tuple[int, int]:
    with sessions() as s:
        risky = account_on_contract(s, "釧路運輸", "Standard", date(2026, 1, 1))
        calm = account_on_contract(s, "帯広製作所", "Standard", date(2025, 1, 1))
        fit = ValueFit(as_of=DAY, alpha=1.0, beta=1.0, yearly_discount=0.1, gross_margin=0.8,
                       currency="JPY", horizon_months=3)  # fmt: skip
        s.add(fit)
        s.flush()
        s.add_all([
            LifetimeValue(account_id=risky, as_of=DAY, fit_id=fit.id, mrr=50_000, paid_months=12,
                          cohort_value=1_500_000, value=1_000_000, risk=0.4,
                          value_at_risk=600_000),
            LifetimeValue(account_id=calm, as_of=DAY, fit_id=fit.id, mrr=100_000,
                          paid_months=24, cohort_value=3_000_000, value=3_000_000, risk=None,
                          value_at_risk=None),
        ])  # fmt: skip
        s.commit()
    return risky, calm


def test_the_account_page_says_the_value_and_what_it_is_made_of(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    risky, _calm = _values(sessions)
    sign_in(Role.CSM)
    page = web.get(f"/accounts/{risky}?lang=en").text
    card = page[page.index('id="lifetime-value"') :]
    card = card[: card.index("</section>")]
    assert "¥1,000,000" in card
    assert "12 months paid" in card
    assert "MRR ¥50,000 × gross margin 80.0%" in card
    # α = β = 1 and 12 months paid: DERL = 12/q¹³ · Σ_{j≥13} q^j/j at 10% a year (monthly
    # q = 1.1^(−1/12)); shown to one decimal.
    q = 1.1 ** (-1 / 12)
    import math

    tail = -math.log(1 - q) - sum(q**j / j for j in range(1, 13))
    assert f"{12 / q**13 * tail:.1f} discounted months ahead" in card
    assert "churn risk of 40.0% over the next 3 months" in card
    assert "¥600,000" in card
    ja = web.get(f"/accounts/{risky}?lang=ja").text
    assert "顧客生涯価値" in ja


def test_the_lifetime_value_page_and_api_add_up_every_account(
    web: TestClient, admin_api: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    assert admin_api.get("/lifetime-value").status_code == 404
    risky, _calm = _values(sessions)
    body = admin_api.get("/lifetime-value").json()
    total = body["total"]
    assert (total["accounts"], total["value"], total["value_at_risk"]) == (2, 4_000_000, 600_000)
    # The inclusive quartiles of (1,000,000, 3,000,000): a quarter, half, three quarters across.
    assert total["quartiles"] == [1_500_000, 2_000_000, 2_500_000]
    assert [a["account_id"] for a in body["at_risk"]] == [risky]
    one = admin_api.get(f"/accounts/{risky}/lifetime-value").json()
    assert (one["value"], one["cohort_value"], one["paid_months"]) == (1_000_000, 1_500_000, 12)
    sign_in(Role.VIEWER)
    page = web.get("/lifetime-value?lang=en").text
    assert "¥4,000,000" in page
    tile = web.get("/dashboard?lang=en").text
    tile = tile[tile.index('id="lifetime-tile"') :]
    assert "¥4,000,000" in tile[: tile.index("</li>")]
    assert "Value at risk: ¥600,000" in tile[: tile.index("</li>")]
    assert "釧路運輸" in page[page.index('id="value-at-risk"') :]
