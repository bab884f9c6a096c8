"""Every KPI and per-account feature as an Ibis expression (see DESIGN.md §4).

What callers need is importable from here (``from kasasu.analytics import find_metric``):
each name loads its module on first use only, so importing any analytics module stays cheap
(the retention model in ``models/`` loads scipy, the churn model scikit-learn and LightGBM,
the catalogue loads Ibis).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kasasu.analytics.catalog import all_metrics, find_metric
    from kasasu.analytics.evaluate import evaluate
    from kasasu.analytics.features import FEATURES, account_features
    from kasasu.analytics.models.bgnbd import (
        BGNBDModel,
        GammaGammaModel,
        fit_bgnbd,
        fit_gamma_gamma,
        purchase_history,
    )
    from kasasu.analytics.models.churn import ChurnModel, fit_churn_model
    from kasasu.analytics.models.ltv import (
        account_lifetime_value,
        ltv_projected,
        ltv_seed,
        ltv_simple,
        retention_periods_from_churn,
    )
    from kasasu.analytics.models.sbg import SBGModel, fit_sbg
    from kasasu.analytics.registry import Inputs
    from kasasu.analytics.sources import Sources

_LAZY = {
    "all_metrics": "kasasu.analytics.catalog",
    "find_metric": "kasasu.analytics.catalog",
    "evaluate": "kasasu.analytics.evaluate",
    "FEATURES": "kasasu.analytics.features",
    "account_features": "kasasu.analytics.features",
    "Inputs": "kasasu.analytics.registry",
    "Sources": "kasasu.analytics.sources",
    "SBGModel": "kasasu.analytics.models.sbg",
    "fit_sbg": "kasasu.analytics.models.sbg",
    "account_lifetime_value": "kasasu.analytics.models.ltv",
    "ltv_projected": "kasasu.analytics.models.ltv",
    "ltv_seed": "kasasu.analytics.models.ltv",
    "ltv_simple": "kasasu.analytics.models.ltv",
    "retention_periods_from_churn": "kasasu.analytics.models.ltv",
    "BGNBDModel": "kasasu.analytics.models.bgnbd",
    "GammaGammaModel": "kasasu.analytics.models.bgnbd",
    "fit_bgnbd": "kasasu.analytics.models.bgnbd",
    "fit_gamma_gamma": "kasasu.analytics.models.bgnbd",
    "purchase_history": "kasasu.analytics.models.bgnbd",
    "ChurnModel": "kasasu.analytics.models.churn",
    "fit_churn_model": "kasasu.analytics.models.churn",
}
__all__ = [
    "FEATURES",
    "BGNBDModel",
    "ChurnModel",
    "GammaGammaModel",
    "Inputs",
    "SBGModel",
    "Sources",
    "account_features",
    "account_lifetime_value",
    "all_metrics",
    "evaluate",
    "find_metric",
    "fit_bgnbd",
    "fit_churn_model",
    "fit_gamma_gamma",
    "fit_sbg",
    "ltv_projected",
    "ltv_seed",
    "ltv_simple",
    "purchase_history",
    "retention_periods_from_churn",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kasasu.analytics' has no attribute {name!r}")
