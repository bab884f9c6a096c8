"""Revenue outside the contracts (usage-based charges, one-off purchases), projected per
account: BG/NBD for how many purchases each account will still make in the next 52 weeks and
how likely it is still buying, Gamma-Gamma for what a purchase of it is worth (Fader, Hardie
& Lee 2005; the CDNOW fits of tests/analytics/test_bgnbd.py). Fitted over every account with
a purchase, in weeks; an account's purchases on one day are one purchase of their total."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from kasasu.analytics.models.bgnbd import fit_bgnbd, fit_gamma_gamma, purchase_history
from kasasu.errors import InvalidInput

WEEKS_AHEAD = 52
MIN_BUYERS = 10  # fewer accounts with a purchase say too little to fit four parameters


@dataclass(frozen=True)
class Projection:
    fit: dict[str, Any]  # the parameters and what they were fitted on, stored with the day
    accounts: dict[int, dict[str, Any]]  # account → its lifetime_values purchase columns


def project_purchases(rows: Iterable[Mapping[str, Any]], names: Iterable[str]) -> Projection | None:
    """``rows``: (account_id, day, value) with days before 0 (0: the valued day). None when
    fewer than ``MIN_BUYERS`` accounts bought or the models cannot describe the purchases."""
    days: defaultdict[int, list[int]] = defaultdict(list)
    values: defaultdict[int, list[float]] = defaultdict(list)
    for row in rows:
        days[row["account_id"]].append(int(row["day"]))
        values[row["account_id"]].append(float(row["value"]))
    if len(days) < MIN_BUYERS:
        return None
    ids = sorted(days)
    seen = [purchase_history(days[a], values[a], end=0) for a in ids]
    x = np.array([h.frequency for h in seen], dtype=float)
    t_x = np.array([h.recency for h in seen])
    age = np.array([h.T for h in seen])
    m = np.array([h.monetary_value for h in seen])
    try:
        counts = fit_bgnbd(x, t_x, age)
    except InvalidInput:
        return None
    fit: dict[str, Any] = {
        "events": sorted(names), "accounts": len(ids), "weeks_ahead": WEEKS_AHEAD,
        "r": counts.r, "alpha": counts.alpha, "a": counts.a, "b": counts.b,
    }  # fmt: skip
    try:
        spend = fit_gamma_gamma(x, m)
        mean = spend.expected_average_value(x, m)
        fit |= {"p": spend.p, "q": spend.q, "gamma": spend.gamma}
    except InvalidInput:  # too few repeat buyers: every account's own mean, else everyone's
        everyone = sum(sum(v) for v in values.values()) / sum(len(v) for v in values.values())
        mean = np.array([everyone if math.isnan(v) else v for v in m])
    ahead = counts.expected_purchases(WEEKS_AHEAD, x, t_x, age)
    alive = counts.prob_alive(x, t_x, age)
    return Projection(
        fit=fit,
        accounts={
            a: {
                "purchases_ahead": float(n),
                "purchase_mean": round(float(v)),
                "purchase_value": round(float(n) * float(v)),
                "still_buying": float(p),
            }
            for a, n, v, p in zip(ids, ahead, mean, alive, strict=True)
            # A history the fitted models cannot evaluate (an overflow) projects nothing.
            if math.isfinite(n) and math.isfinite(v) and math.isfinite(p)
        },
    )
