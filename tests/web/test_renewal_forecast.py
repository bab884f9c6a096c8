"""The renewal forecast by hand: MRR up for renewal, MRR × odds × (1 + expansion) with the
model's odds (1 − risk, else last year's renewal rate) unless a CSM's call stands."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import BillingInterval, RenewalOutcome, Role, SubscriptionStatus
from kasasu.models import (
    Account,
    ChurnModelVersion,
    ChurnRisk,
    LifetimeValue,
    Renewal,
    Subscription,
    ValueFit,
)
from tests.web.conftest import SignIn, csrf

TODAY = datetime.now(ZoneInfo("Asia/Tokyo")).date()
FIRST, LAST = TODAY + timedelta(days=10), TODAY + timedelta(days=40)
WINDOW = {"from": FIRST.isoformat(), "to": LAST.isoformat()}


def _line(s: Session, name: str, yearly: int, end: date, *, months: bool = False) -> Subscription:
    account = Account(external_id=name, name=name, custom_fields={})
    s.add(account)
    s.flush()
    line = Subscription(
        external_id=f"{name}-1", account_id=account.id, product="Core", amount=yearly,
        currency="JPY",
        billing_interval=BillingInterval.MONTH if months else BillingInterval.YEAR,
        start_date=end - timedelta(days=364), end_date=end, auto_renew=True,
        status=SubscriptionStatus.ACTIVE,
    )  # fmt: skip
    s.add(line)
    s.flush()
    return line


def _world(sessions: sessionmaker[Session]) -> dict[str, int]:
    """History (renewal dates 100 days ago): H1 ¥100,000 MRR renewed, H2 ¥100,000 expanded to
    ¥120,000, H3 ¥200,000 churned: 200,000 of 400,000 renewed (rate 0.5) and the renewed MRR
    grew by 20,000 ÷ 200,000 (expansion 0.1). Ahead: A ¥100,000 MRR with a churn risk of 0.2,
    B ¥200,000 without a risk, C a monthly line (not a term renewal)."""
    past = TODAY - timedelta(days=100)
    with sessions() as s:
        h1 = _line(s, "H1", 1_200_000, past)
        h2 = _line(s, "H2", 1_200_000, past)
        h3 = _line(s, "H3", 2_400_000, past)
        grown = _line(s, "H2b", 1_440_000, past + timedelta(days=365))
        s.add_all([
            Renewal(subscription_id=h1.id, renewal_date=past, outcome=RenewalOutcome.RENEWED),
            Renewal(subscription_id=h2.id, renewal_date=past, outcome=RenewalOutcome.EXPANDED,
                    new_subscription_id=grown.id),
            Renewal(subscription_id=h3.id, renewal_date=past, outcome=RenewalOutcome.CHURNED),
        ])  # fmt: skip
        a = _line(s, "A社", 1_200_000, FIRST + timedelta(days=5))
        b = _line(s, "B社", 2_400_000, FIRST + timedelta(days=20))
        _line(s, "C社", 50_000, FIRST + timedelta(days=3), months=True)
        model = ChurnModelVersion(
            trained_on=TODAY, horizon_days=90, first_day=TODAY - timedelta(days=400),
            last_day=TODAY - timedelta(days=91), kind="logistic", cv_auc=0.9, card={},
        )  # fmt: skip
        s.add(model)
        s.flush()
        s.add(ChurnRisk(account_id=a.account_id, as_of=TODAY, model_id=model.id, risk=0.2,
                        reasons=[]))  # fmt: skip
        fit = ValueFit(as_of=TODAY, alpha=1.0, beta=1.0, yearly_discount=0.1, gross_margin=1.0,
                       currency="JPY", horizon_months=3)  # fmt: skip
        s.add(fit)
        s.flush()
        s.add(LifetimeValue(account_id=a.account_id, as_of=TODAY, fit_id=fit.id, mrr=100_000,
                            paid_months=12, cohort_value=300_000, value=250_000, risk=0.2,
                            value_at_risk=60_000))  # fmt: skip
        s.commit()
        return {"a": a.id, "b": b.id, "a_end": a.end_date, "b_end": b.end_date}  # type: ignore[dict-item]


def test_the_forecast_by_hand_and_the_calls_that_override_it(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    w = _world(sessions)
    body = admin_api.get("/renewals/forecast", params=WINDOW).json()
    assert (body["renewal_rate"], body["expansion"]) == (0.5, 0.1)
    total = body["total"]
    # A: 100,000 × 0.8 × 1.1 = 88,000; B: 200,000 × 0.5 × 1.1 = 110,000.
    assert (total["renewals"], total["mrr"], total["value_at_risk"]) == (2, 300_000, 60_000)
    assert (total["model_expected"], total["expected"]) == (198_000, 198_000)
    rows = {r["subscription_id"]: r for r in body["rows"]}
    assert (rows[w["a"]]["model_expected"], rows[w["b"]]["model_expected"]) == (88_000, 110_000)
    assert sum(g["mrr"] for g in body["months"]) == 300_000
    assert [g["expected"] for g in body["owners"]] == [198_000]  # nobody owns them

    def call(line: str, status: str | None) -> None:
        end = w[f"{line}_end"]
        sent = {"subscription_id": w[line], "renewal_date": str(end), "status": status}
        answer = admin_api.post("/renewals/forecast/calls", json=sent)
        assert answer.status_code == 201, answer.text

    call("a", "at_risk")  # 100,000 × 0.4 × 1.1 = 44,000
    call("b", "commit")  # 200,000 × 1 × 1.1 = 220,000
    total = admin_api.get("/renewals/forecast", params=WINDOW).json()["total"]
    assert (total["expected"], total["model_expected"]) == (264_000, 198_000)
    assert (total["called"], total["committed"]) == (2, 200_000)
    call("a", None)  # taken back: the model's 88,000 again
    total = admin_api.get("/renewals/forecast", params=WINDOW).json()["total"]
    assert (total["expected"], total["called"]) == (308_000, 1)


def test_a_call_on_a_day_that_is_not_a_renewal_is_refused(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    w = _world(sessions)
    wrong = {"subscription_id": w["a"], "renewal_date": str(TODAY), "status": "commit"}
    refused = admin_api.post("/renewals/forecast/calls", json=wrong)
    assert refused.status_code == 422
    assert "renewal_date" in refused.text
    missing = {"subscription_id": 999_999, "renewal_date": str(TODAY), "status": "commit"}
    assert admin_api.post("/renewals/forecast/calls", json=missing).status_code == 404


def test_the_forecast_page_sets_a_call_with_who_and_when(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    w = _world(sessions)
    sign_in(Role.CSM)
    query = f"from={WINDOW['from']}&to={WINDOW['to']}&lang=en"
    page = web.get(f"/renewals/forecast?{query}").text
    assert "¥198,000" in page[page.index('id="forecast-total"') :]
    form = {
        "csrf_token": csrf(page),
        "subscription_id": str(w["b"]),
        "renewal_date": str(w["b_end"]),
        "status": "will_churn",
        "back": f"/renewals/forecast?{query}",
    }
    done = web.post("/renewals/forecast/call", data=form)
    assert done.status_code == 303
    page = web.get(f"/renewals/forecast?{query}").text
    total = page[page.index('id="forecast-total"') :]
    assert "¥88,000" in total[: total.index("</dl>")]  # B will churn: A's 88,000 alone
    row = page[page.index(f'id="line-{w["b"]}"') :]
    assert "CSM さん" in row[: row.index("</tr>")]
    ja = web.get(f"/renewals/forecast?from={WINDOW['from']}&to={WINDOW['to']}&lang=ja").text
    assert "更新予測" in ja


def test_the_kpi_workbook_carries_the_forecast_of_the_three_months_after_it(
    sessions: sessionmaker[Session],
) -> None:
    import io

    from openpyxl import load_workbook

    from kasasu.domain.periods import add_months
    from kasasu.domain.reporting import Reporting
    from kasasu.workspace.report import kpi_workbook

    _world(sessions)
    month = add_months(TODAY.replace(day=1), -1)  # the forecast: this month and the next two
    with sessions() as s:
        content, count = kpi_workbook(s, month, Reporting(locale="en", on=TODAY))
    book = load_workbook(io.BytesIO(content))
    assert len(book.sheetnames) == count
    assert book.sheetnames[-2:] == ["Renewal forecast", "Definitions"]
    rows = list(book["Renewal forecast"].iter_rows(values_only=True))
    total = next(r for r in rows if r[0] == "Total")
    assert total[1:] == (2, 300_000, 198_000, 198_000, 0)


def test_the_backtest_forecasts_last_month_as_it_stood_before_it_began(
    sessions: sessionmaker[Session],
) -> None:
    """Last month M: P1 ¥100,000 MRR renewed, P2 ¥200,000 churned, P3 ¥100,000 expanded to
    ¥150,000: 250,000 renewed. Before M there is no feature history (no churn model), so the
    model's odds are the history's renewal rate 0.5 with expansion 0.1: 400,000 × 0.5 × 1.1 =
    220,000, off by 30,000 ÷ 250,000 = 12%. The calls standing when M began: P1 commit
    (110,000), P2 will churn (0); P3's call came after M began, so P3 keeps the model's
    55,000: 165,000, off by 34%."""
    from kasasu.domain.choices import ForecastStatus
    from kasasu.domain.periods import add_months
    from kasasu.health.features import RefreshConfig
    from kasasu.models import RenewalForecast
    from kasasu.renewals.backtest import forecast_backtest

    _world(sessions)
    start = add_months(TODAY.replace(day=1), -1)
    began = datetime.combine(start, datetime.min.time(), ZoneInfo("Asia/Tokyo"))
    with sessions() as s:
        p1 = _line(s, "P1", 1_200_000, start + timedelta(days=3))
        p2 = _line(s, "P2", 2_400_000, start + timedelta(days=9))
        p3 = _line(s, "P3", 1_200_000, start + timedelta(days=20))
        bigger = _line(s, "P3b", 1_800_000, start + timedelta(days=385))
        outcomes = [(p1, RenewalOutcome.RENEWED, None), (p2, RenewalOutcome.CHURNED, None),
                    (p3, RenewalOutcome.EXPANDED, bigger.id)]  # fmt: skip
        for line, outcome, new in outcomes:
            s.add(Renewal(subscription_id=line.id, renewal_date=line.end_date, outcome=outcome,
                          new_subscription_id=new))  # fmt: skip
        calls = [(p1, ForecastStatus.COMMIT, -timedelta(days=10)),
                 (p2, ForecastStatus.WILL_CHURN, -timedelta(days=2)),
                 (p3, ForecastStatus.LIKELY, timedelta(hours=1))]  # fmt: skip
        for line, status, when in calls:
            s.add(RenewalForecast(subscription_id=line.id, renewal_date=line.end_date,
                                  status=status, set_at=began + when))  # fmt: skip
        s.commit()
    with sessions() as s:
        found = forecast_backtest(s, RefreshConfig(zone="Asia/Tokyo", currency="JPY"), TODAY,
                                  months=1)  # fmt: skip
    [m] = found.months
    assert (m.month, m.renewals, m.mrr, m.renewed) == (f"{start:%Y-%m}", 3, 400_000, 250_000)
    assert (m.model, m.with_calls, m.calls) == (220_000, 165_000, 2)
    assert (found.model_mape, found.calls_mape) == (0.12, 0.34)


def test_a_call_is_worth_its_track_record(
    admin_api: TestClient, sessions: sessionmaker[Session]
) -> None:
    """Three renewals of the last year were called "likely" before their day: two renewed, one
    churned; a fourth was called "likely" only after its day (it does not count). Likely's
    odds: (2 + 5 × 0.8) ÷ (3 + 5) = 0.75, so A called likely expects 100,000 × 0.75 × 1.1
    (the world's expansion) = 82,500. "Commit", never called, keeps its default 1.0."""
    from kasasu.domain.choices import ForecastStatus
    from kasasu.models import RenewalForecast

    w = _world(sessions)
    past = TODAY - timedelta(days=50)
    with sessions() as s:
        before = datetime.combine(past, datetime.min.time(), ZoneInfo("UTC")) - timedelta(days=9)
        lines = [_line(s, f"L{k}", 120_000, past) for k in range(4)]
        outcomes = [RenewalOutcome.RENEWED, RenewalOutcome.RENEWED, RenewalOutcome.CHURNED,
                    RenewalOutcome.CHURNED]  # fmt: skip
        for k, (line, outcome) in enumerate(zip(lines, outcomes, strict=True)):
            s.add(Renewal(subscription_id=line.id, renewal_date=past, outcome=outcome))
            made = before if k < 3 else before + timedelta(days=20)  # the last: too late
            s.add(RenewalForecast(subscription_id=line.id, renewal_date=past,
                                  status=ForecastStatus.LIKELY, set_at=made))  # fmt: skip
        s.commit()
    sent = {"subscription_id": w["a"], "renewal_date": str(w["a_end"]), "status": "likely"}
    assert admin_api.post("/renewals/forecast/calls", json=sent).status_code == 201
    body = admin_api.get("/renewals/forecast", params=WINDOW).json()
    odds = {c["status"]: c for c in body["call_odds"]}
    assert (odds["likely"]["calls"], odds["likely"]["renewed"]) == (3, 2)
    assert odds["likely"]["odds"] == 0.75
    assert (odds["commit"]["calls"], odds["commit"]["odds"]) == (0, 1.0)
    # The L lines (¥10,000 MRR each; two of four churned) join the history: renewal rate
    # 220,000 ÷ 440,000 = 0.5 still, and the renewed MRR did not grow: expansion
    # 20,000 ÷ 220,000.
    expansion = 20_000 / 220_000
    assert body["expansion"] == expansion
    row = next(r for r in body["rows"] if r["subscription_id"] == w["a"])
    assert row["expected"] == round(100_000 * 0.75 * (1 + expansion))
