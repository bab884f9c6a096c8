"""Every KPI and per-account feature as an Ibis expression (see DESIGN.md §4).

The retention model and lifetime values are importable from here
(``from kasasu.analytics import fit_sbg``); they load scipy on first use only, so importing
any analytics module stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY = {
    "SBGModel": "kasasu.analytics.sbg",
    "fit_sbg": "kasasu.analytics.sbg",
    "ltv_projected": "kasasu.analytics.ltv",
    "ltv_seed": "kasasu.analytics.ltv",
    "ltv_simple": "kasasu.analytics.ltv",
    "retention_periods_from_churn": "kasasu.analytics.ltv",
}
__all__ = [
    "SBGModel",
    "fit_sbg",
    "ltv_projected",
    "ltv_seed",
    "ltv_simple",
    "retention_periods_from_churn",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kasasu.analytics' has no attribute {name!r}")
