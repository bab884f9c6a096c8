"""KPI pages on the golden customer base (tests/analytics/golden.py, MRR by hand there):
every KPI listed; one KPI by month, quarter or for one plan, each period linking to the
accounts behind it; what was computed is stored for the next visit."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.account_fields import KPI_FILTERS
from kasasu.domain.choices import Role
from kasasu.metrics.service import metric_names
from kasasu.models import CachedResult
from kasasu.onboarding.schemas import OnboardingStart
from kasasu.onboarding.service import start_onboarding
from tests.analytics.golden import add_golden
from tests.web.conftest import SignIn
from tests.web.tables import table_rows


def _golden(sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        add_golden(s)
        s.commit()


def _values(page: str) -> dict[str, str]:
    """Period → value, from the page's values table."""
    table = page[page.index('id="kpi-values"') :]
    return {row[0]: row[1] for row in table_rows(table)}


def test_every_kpi_is_listed_with_its_definition(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.VIEWER)
    page = web.get("/kpis?lang=en").text
    rows = table_rows(page)
    assert len(rows) == len(metric_names())  # every KPI of the registry
    assert all(definition for _title, definition in rows)
    assert '<a href="/kpis/mrr">MRR</a>' in page
    assert web.get("/kpis/no_such_kpi").status_code == 404


def test_mrr_by_month_by_quarter_and_for_one_plan(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    _golden(sessions)
    sign_in(Role.LEADER)
    page = web.get("/kpis/mrr?lang=en").text
    months = _values(page)
    # A1 10,000 + A2 10,000 + A5 50,000 + A6 30,000 on Dec 31; see golden.py's table.
    assert (months["2025-12"], months["2026-01"], months["2026-02"]) == (
        "¥100,000",
        "¥146,333",
        "¥131,333",
    )
    assert '<a href="/metrics/mrr/2026-02">' in page
    enterprise = _values(web.get("/kpis/mrr?plan=Enterprise").text)
    # A5 and A6 only: 50,000 + 38,333 in January, 40,000 + 38,333 from February.
    assert (enterprise["2026-01"], enterprise["2026-02"]) == ("¥88,333", "¥78,333")
    quarters = web.get("/kpis/mrr?grain=quarter").text
    by_quarter = _values(quarters)
    assert (by_quarter["2025-Q4"], by_quarter["2026-Q1"]) == ("¥100,000", "¥131,333")
    assert 'href="/metrics/mrr/' not in quarters  # the accounts behind a figure: by month
    with sessions() as s:
        stored = s.scalars(select(CachedResult.name).where(CachedResult.name.like("kpi:%")))
        assert len(list(stored)) == 3  # each choice computed once, kept for the next visit


def test_every_field_a_kpi_filters_on_is_offered(web: TestClient, sign_in: SignIn) -> None:
    """The page's filters are the account fields KPIs filter on, and a segment."""
    sign_in(Role.VIEWER)
    page = web.get("/kpis/mrr").text
    for field in (*KPI_FILTERS, "segment", "grain"):
        assert f'<select name="{field}">' in page, field


def test_a_kpi_for_the_accounts_of_one_onboarding_template(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    """Retention by onboarding template: A5 walked the enterprise plan, A6 the standard one."""
    with sessions() as s:
        ids = add_golden(s)
        for name, template in (("A5", "enterprise"), ("A6", "standard")):
            start_onboarding(
                s,
                ids[name],
                OnboardingStart(template=template),
                by=None,
                locale="en",
                today=date(2026, 3, 1),
            )
        s.commit()
    sign_in(Role.LEADER)
    page = web.get("/kpis/mrr?onboarding=enterprise&lang=en").text
    assert '<select name="onboarding">' in page
    # A5 alone (golden.py): 50,000 in January, 40,000 from February.
    chosen = _values(page)
    assert (chosen["2026-01"], chosen["2026-02"]) == ("¥50,000", "¥40,000")
    both = _values(web.get("/kpis/mrr?onboarding=standard&plan=Enterprise").text)
    assert both["2026-02"] == "¥38,333"  # A6: on the standard plan and an Enterprise account
