from __future__ import annotations

import re
from pathlib import Path

from kasasu.metrics.reference import metrics_reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"

# The KPIs the reference documents, written out by hand (not read from the registry that
# generates it), so that a KPI dropped or renamed in the registry fails here.
KPIS = [
    "mrr",
    "arr",
    "mrr_movements",
    "active_accounts",
    "logo_churn_rate",
    "gross_mrr_churn_rate",
    "grr",
    "nrr",
    "grr_12m",
    "nrr_12m",
    "arpa",
    "upsell_rate",
    "cross_sell_rate",
    "ltv_simple",
    "ltv_seed",
    "ltv_projected",
    "logo_renewal_rate",
    "mrr_renewal_rate",
    "cohort_logo_retention",
    "cohort_revenue_retention",
    "nps",
    "csat",
    "ces",
    "churn_by_reason",
    "churned_logos_by_reason",
    "loyal_customers",
    "tickets_opened",
    "tickets_resolved",
    "first_response_hours",
    "resolution_hours",
    "active_account_rate",
    "dau_mau",
    "time_to_value",
    "funnel_leads",
    "funnel_qualification_rate",
    "funnel_win_rate",
    "funnel_onboarding_rate",
    "funnel_retention_rate",
    "funnel_expansion_rate",
    "funnel_days_to_qualify",
    "funnel_days_to_win",
    "funnel_days_to_value",
]


def test_docs_list_every_kpi_as_the_registry_defines_it() -> None:
    doc = DOC.read_text(encoding="utf-8")
    assert doc == metrics_reference(), (
        "docs/metrics.md is stale: run "
        ".venv/bin/python -m kasasu.metrics.reference > docs/metrics.md"
    )
    assert re.findall(r"^## `(\w+)`", doc, flags=re.MULTILINE) == KPIS
