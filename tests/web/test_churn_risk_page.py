"""An account's churn risk on its page and through the API: the probability, the horizon,
and the features that raise it most, in words (values stored by hand)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import update
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


def _card(health_auc: float, model_auc: float) -> dict[str, object]:
    from kasasu.prediction.schemas import ChurnModelRead

    return ChurnModelRead.model_validate(
        {
            "rows": 1200, "churned": 60, "model": "logistic",
            "why": {"ja": "より単純なロジスティック回帰",
                    "en": "Logistic regression, the simpler model"},
            "auc_by_model": {"logistic": 0.91, "lightgbm": 0.905}, "cv_auc": 0.91,
            "cv_brier": 0.031, "calibration": "platt",
            "calibration_table": [{"predicted": 0.02, "observed": 0.025, "rows": 1200}],
            "lift_top_decile": 6.5, "features": ["events_30d", "plan"],
            "ignored": {"guides_completed_90d": {"ja": "すべての行で同じ値です",
                                                 "en": "the same value in every row"}},
            "trained_on": "2026-12-01", "horizon_days": 90, "first_day": "2025-09-01",
            "last_day": "2026-09-01",
            "health": {"rows": 1000, "health_auc": health_auc, "model_auc": model_auc},
        }
    ).model_dump(mode="json")  # fmt: skip


def test_the_model_card_page(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    assert "No churn model yet" in web.get("/churn/model?lang=en").text
    with sessions() as s:
        s.add(ChurnModelVersion(trained_on=DAY, horizon_days=90, first_day=date(2025, 9, 1),
                                last_day=date(2026, 9, 1), kind="logistic", cv_auc=0.91,
                                card=_card(0.88, 0.93)))  # fmt: skip
        s.commit()
    page = web.get("/churn/model?lang=en").text
    assert "Trained on December 1, 2026 from 1,200 account-days" in page
    assert "churn model AUC 0.930, health score AUC 0.880" in page
    assert "ranks churners better" not in page
    assert "Not used: guides_completed_90d (the same value in every row)" in page
    ja = web.get("/churn/model?lang=ja").text
    assert "より単純なロジスティック回帰" in ja
    with sessions() as s:
        s.execute(update(ChurnModelVersion).values(card=_card(0.95, 0.93)))
        s.commit()
    assert "ranks churners better" in web.get("/churn/model?lang=en").text
