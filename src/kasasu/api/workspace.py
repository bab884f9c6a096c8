"""What the pages show, for integrations: the accounts list, the account overview (360°),
the dashboard, churn reasons and the CSM workload, each the same read model as its page."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from kasasu.api.auth import require
from kasasu.api.context import context, in_transaction, keep_fresh, reporting
from kasasu.api.routing import PathId, api_router
from kasasu.domain.periods import Grain, parse_month
from kasasu.domain.permissions import Action
from kasasu.kit.types import MAX_BIGINT
from kasasu.workspace.accounts import AccountListQuery, AccountPage, list_accounts
from kasasu.workspace.churn import ChurnReport, first_month, recall_churn_report
from kasasu.workspace.dashboard import Dashboard, keep_board, recall_dashboard
from kasasu.workspace.home import Home, recall_home
from kasasu.workspace.overview import AccountOverview, account_overview
from kasasu.workspace.workload import Workload, recall_workload

Month = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$", description="e.g. 2026-10")]


def workspace_router() -> APIRouter:
    router = api_router(tags=["workspace"], dependencies=[Depends(require(Action.READ))])

    @router.get(
        "/account-list",
        response_model=AccountPage,
        summary="The accounts list of the workspace, with health, owner and its filters",
        description=(
            "The accounts page's list: search, plan, tier, industry, owner, segment, health "
            "band and touch model (its own, else the latest refresh's; `none`: neither), "
            "renewing within 30/60/90/180 days, health worse than on a day; sorted by its own "
            "columns or by MRR, health, its change in a week, days to renewal, owner or last "
            "activity; each account with its latest health, MRR and owner's name. `total` "
            "counts every match; `next_cursor` and `prev_cursor` page both ways."
        ),
    )
    def account_list(request: Request, query: Annotated[AccountListQuery, Query()]) -> AccountPage:
        today = reporting(request).today()
        return in_transaction(request, lambda s: list_accounts(s, query, today))

    @router.get(
        "/home",
        response_model=Home,
        summary="A CSM's day, or the team's by CSM (the home page)",
        description=(
            "With `owner_id`: that user's accounts whose health band worsened in the last "
            "7 days, renewals not yet decided in the next 30 and 90 days, open tasks overdue "
            "or due within 7 days, unhappy survey answers (NPS 0–6, CSAT 1–3) of the last 7 "
            "days on their accounts, and the open tasks playbooks made for them. Without it: "
            "the same for everyone, and `team`, one line of counts per CSM. Each list holds "
            "its first 10 rows; `total` counts them all."
        ),
    )
    def home_of(
        request: Request,
        owner_id: Annotated[int | None, Query(ge=1, le=MAX_BIGINT)] = None,
    ) -> Home:
        report = reporting(request)
        found = in_transaction(request, lambda s: recall_home(s, report, owner_id))
        keep_fresh(request, found)
        return found.value

    @router.get(
        "/accounts/{account_id}/overview",
        response_model=AccountOverview,
        summary="Everything known about one account (the account 360° page)",
        description=(
            "Health and why, MRR history, usage of the last 90 days, and the newest "
            "contracts, tickets, survey answers, activities, open tasks, milestones, "
            "requests, playbook runs and audit entries (each list's own route pages them all)."
        ),
    )
    def overview(request: Request, account_id: PathId) -> AccountOverview:
        path, report = context(request).events_path, reporting(request)
        return in_transaction(request, lambda s: account_overview(s, account_id, report, path))

    @router.get(
        "/dashboard",
        response_model=Dashboard,
        summary="The dashboard: twelve months of KPIs, renewals ahead, health",
        description=(
            "KPIs per month up to the last whole month (`latest`: each one's last), computed "
            "as of the latest refresh and kept until the next one; renewals of the next 90 "
            "days without an outcome; health bands now and a week before, who turned red."
        ),
    )
    def dashboard_figures(request: Request) -> Dashboard:
        source, report = context(request).analytics, reporting(request)
        found = in_transaction(request, lambda s: recall_dashboard(s, report, source))
        if found.fresh:
            in_transaction(request, lambda s: keep_board(s, found), write=True)
        return found.value

    @router.get(
        "/churn-reasons",
        response_model=ChurnReport,
        summary="Churned MRR and accounts by reason (Pareto) and by comment theme",
        description=(
            "For the period (`by`: month, quarter or fiscal-year) that holds `period` "
            "(default: the last whole month), with the cancelled contracts, latest first."
        ),
    )
    def churn(request: Request, period: Month = None, by: Grain = Grain.QUARTER) -> ChurnReport:
        report = reporting(request)
        month = parse_month(period) if period else first_month(report.today())
        found = in_transaction(request, lambda s: recall_churn_report(s, month, by, report))
        keep_fresh(request, found)
        return found.value

    @router.get(
        "/workload",
        response_model=Workload,
        summary="CSM workload: accounts, MRR and open tasks per owner and touch model",
    )
    def workload(request: Request) -> Workload:
        today = reporting(request).today()
        found = in_transaction(request, lambda s: recall_workload(s, today))
        keep_fresh(request, found)
        return found.value

    return router
