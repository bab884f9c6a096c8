"""Churn risk: the latest model's card, an account's risk with its reasons; lifetime values."""

# No "from __future__ import annotations": FastAPI must see the runtime types.

from fastapi import APIRouter, Depends, Request

from kasasu.api.auth import require
from kasasu.api.context import context, in_transaction, keep_fresh
from kasasu.api.problems import request_locale
from kasasu.api.routing import PathId, api_router
from kasasu.domain.permissions import Action
from kasasu.errors import NotFound
from kasasu.kit.i18n import _
from kasasu.prediction.schemas import AccountRisk, AccountValue, ChurnModelRead
from kasasu.prediction.service import account_risk, latest_model
from kasasu.prediction.value import account_value
from kasasu.workspace.value import LifetimeValues, recall_lifetime_values


def churn_router() -> APIRouter:
    router = api_router(tags=["churn"], dependencies=[Depends(require(Action.READ))])

    @router.get(
        "/churn/model",
        response_model=ChurnModelRead,
        summary="The latest churn model's card: data window, AUC, calibration, lift, and the "
        "health score's AUC on the same account-days",
    )
    def get_model(request: Request) -> ChurnModelRead:
        found = in_transaction(request, latest_model)
        if found is None:
            raise NotFound(_("No churn model yet"))
        return found

    @router.get(
        "/accounts/{account_id}/churn-risk",
        response_model=AccountRisk,
        summary="An account's latest churn risk and the features that raise it most",
    )
    def get_risk(request: Request, account_id: PathId) -> AccountRisk:
        ctx, locale = context(request), request_locale(request)
        found = in_transaction(
            request, lambda s: account_risk(s, account_id, locale, ctx.reporting.currency)
        )
        if found is None:
            raise NotFound(_("No churn risk for this account yet"))
        return found

    @router.get(
        "/accounts/{account_id}/lifetime-value",
        response_model=AccountValue,
        summary="An account's latest lifetime value: cohort value, risk-adjusted value, value "
        "at risk, and the retention fit behind them",
    )
    def get_value(request: Request, account_id: PathId) -> AccountValue:
        found = in_transaction(request, lambda s: account_value(s, account_id))
        if found is None:
            raise NotFound(_("No lifetime value for this account yet"))
        return found

    @router.get(
        "/lifetime-value",
        response_model=LifetimeValues,
        summary="Lifetime value of every paying account: total, by segment with quartiles, "
        "value at risk, and the accounts with the most at risk",
    )
    def get_values(request: Request) -> LifetimeValues:
        locale = request_locale(request)
        found = in_transaction(request, lambda s: recall_lifetime_values(s, locale))
        keep_fresh(request, found)
        if found.value is None:
            raise NotFound(_("No lifetime values yet"))
        return found.value

    return router
