"""An account's churn risk on its page and through the API: the probability, the horizon,
and the features that raise it most, in words (values stored by hand)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.models import ChurnModelVersion, ChurnRisk
from tests.onboarding.world import account_on_contract
from tests.playbooks.world import build_world
from tests.web.conftest import SignIn

DAY = date(2026, 12, 1)


def _risk(sessions: sessionmaker[Session]) -> int:
    with sessions() as s:
        account = account_on_contract(s, "釧路運輸", "Standard", date(2026, 1, 1))
        model = ChurnModelVersion(
            trained_on=DAY, horizon_days=90, first_day=date(2025, 9, 1),
            last_day=date(2026, 9, 1), kind="logistic", cv_auc=0.9, card={},
        )  # fmt: skip
        s.add(model)
        s.flush()
        reasons = [
            {"feature": "events_7d", "value": 2.0, "contribution": 1.4},
            {"feature": "days_since_last_event", "value": 12.0, "contribution": 0.8},
            {"feature": "plan", "value": "Standard", "contribution": 0.2},
        ]
        s.add(ChurnRisk(account_id=account, as_of=DAY, model_id=model.id, risk=0.62,
                        reasons=reasons))  # fmt: skip
        s.commit()
    return account


def test_the_account_page_says_the_risk_and_why(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    account = _risk(sessions)
    sign_in(Role.CSM)
    page = web.get(f"/accounts/{account}?lang=en").text
    card = page[page.index('id="churn-risk"') :]
    card = card[: card.index("</section>")]
    assert "62.0%" in card
    assert "chance of churning within 90 days" in card
    assert card.index("Usage events, 7 days: 2") < card.index("Days since last use: 12 days")
    assert "Plan: Standard" in card
    ja = web.get(f"/accounts/{account}?lang=ja").text
    assert "90 日以内に解約する確率" in ja
    assert "利用イベント（7 日）: 2" in ja


def test_an_account_without_a_model_says_how_to_get_one(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    with sessions() as s:
        account = account_on_contract(s, "帯広製作所", "Standard", date(2026, 1, 1))
        s.commit()
    sign_in(Role.CSM)
    page = web.get(f"/accounts/{account}?lang=en").text
    assert "No churn risk yet" in page


def test_the_api_serves_the_risk_and_says_when_there_is_no_model(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    assert admin_api.get("/churn/model").status_code == 404
    account = _risk(sessions)
    risk = admin_api.get(f"/accounts/{account}/churn-risk", headers={"Accept-Language": "ja"})
    assert risk.status_code == 200, risk.text
    body = risk.json()
    assert (body["risk"], body["horizon_days"], body["as_of"]) == (0.62, 90, "2026-12-01")
    assert [r["feature"] for r in body["reasons"]] == ["events_7d", "days_since_last_event", "plan"]
    assert body["said"][0] == "利用イベント（7 日）: 2"


def test_the_account_list_shows_filters_and_sorts_by_churn_risk(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    """tests/playbooks/world.py: on the latest day P1's risk is 0.62, P2's 0.5, P3 has none."""
    with sessions() as s:
        build_world(s)
        s.commit()
    sign_in(Role.ADMIN)
    above = web.get("/accounts?mine=0&risk_above=0.5&lang=en").text
    rows = above[above.index("<tbody>") : above.index("</tbody>")]
    assert "P1 株式会社" in rows
    assert "P2 株式会社" not in rows  # 0.5 is not above 0.5
    assert "62.0%" in rows
    ranked = web.get("/accounts?mine=0&sort=-risk&lang=en").text
    body = ranked[ranked.index("<tbody>") :]
    assert body.index("P1 株式会社") < body.index("P2 株式会社") < body.index("P3 株式会社")
    csv_text = web.get("/accounts/export?format=csv&mine=0&sort=-risk").content.decode("utf-8-sig")
    lines = csv_text.strip().split("\r\n")
    assert lines[0].endswith(",Churn risk")
    assert lines[1].startswith("P1,")
    assert lines[1].endswith(",0.62")
