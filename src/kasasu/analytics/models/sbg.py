"""The shifted-beta-geometric (sBG) retention model of Fader & Hardie (2007).

"How to Project Customer Retention", Journal of Interactive Marketing 21(1). Each customer
churns at the end of each period with her own probability θ; across customers θ follows
Beta(α, β). Fitted to one cohort's survivor counts, the model projects retention rates that
rise with tenure, as real cohorts do, where one constant churn rate is too pessimistic.
The lifetime value follows Fader & Hardie (2010), "Customer-Base Valuation in a Contractual
Setting: The Perils of Ignoring Heterogeneity".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from numbers import Integral, Real

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize
from scipy.special import betaln, digamma

from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import Message, _

FloatArray = npt.NDArray[np.float64]

# Search box for log α and log β. A maximum on its edge is meaningful, not a failure: at
# the top both parameters grow with a fixed ratio, the data show no heterogeneity and the
# model is practically the geometric one (constant churn); at the bottom the cohort splits
# into customers who leave at once and customers who never leave.
_LOG_BOUNDS = (math.log(1e-4), math.log(1e6))


@dataclass(frozen=True)
class SBGModel:
    """A fitted sBG: ``alpha``, ``beta`` and the log-likelihood of the data it came from."""

    alpha: float
    beta: float
    log_likelihood: float = math.nan  # nan when built by hand rather than fitted

    def churn_probability(self, t: int) -> float:
        """P(T = t | α, β) = B(α+1, β+t−1) / B(α, β): churn *in* period t ≥ 1."""
        _require_whole(t, first=1, loc=("t",))
        a, b = self.alpha, self.beta
        return math.exp(betaln(a + 1.0, b + t - 1.0) - betaln(a, b))

    def survival(self, t: int) -> float:
        """S(t | α, β) = B(α, β+t) / B(α, β): still a customer after t periods; S(0) = 1."""
        _require_whole(t, first=0, loc=("t",))
        a, b = self.alpha, self.beta
        return math.exp(betaln(a, b + t) - betaln(a, b))

    def retention_rate(self, t: int) -> float:
        """r_t = S(t)/S(t−1) = (β+t−1)/(α+β+t−1), rising with t (period t ≥ 1)."""
        _require_whole(t, first=1, loc=("t",))
        return (self.beta + t - 1.0) / (self.alpha + self.beta + t - 1.0)

    def projected_survivors(self, n0: int, periods: int) -> list[float]:
        """Expected customers at the start of periods 0..``periods`` of a cohort of ``n0``."""
        _require_whole(n0, first=0, loc=("n0",))
        _require_whole(periods, first=0, loc=("periods",))
        return [n0 * self.survival(t) for t in range(periods + 1)]

    def expected_lifetime_value(self, value_per_period: float, discount_rate: float) -> float:
        """Expected discounted value of a new customer who pays at the *start* of each period.

        The first payment is certain and undiscounted; the one at the start of period t+1 is
        paid with probability S(t) and discounted by (1+d)^t. Fader & Hardie (2010):
        E(CLV) = m · Σ_{t≥0} S(t)/(1+d)^t = m · ₂F₁(1, β; α+β; 1/(1+d)). In the units of
        ``value_per_period`` (minor units); ``discount_rate`` d is per period, above 0.
        """
        m = require_number("value_per_period", value_per_period, at_least=0)
        return m * discounted_survival_sum(self, discount_rate)

    def residual_lifetime(self, paid_periods: int, discount_rate: float) -> float:
        """DERL: the discounted expected residual lifetime of a customer who has paid
        ``paid_periods`` periods (n, so n − 1 renewals) and is about to renew, in periods.

        Fader & Hardie (2010), eq. 6: DERL = Σ_{t≥n} S(t)/S(n−1) · (1+d)^−(t−n) =
        (β+n−1)/(α+β+n−1) · ₂F₁(1, β+n; α+β+n; 1/(1+d)): the next payment comes with
        probability r_n and undiscounted, each later one discounted. It rises with n, as the
        customers still there after n periods are the loyal ones; × the value per period it
        is the customer's residual lifetime value.
        """
        _require_whole(paid_periods, first=1, loc=("paid_periods",))
        d = require_number("discount_rate", discount_rate, above=0)
        return _residual_lifetime(self.alpha, self.beta, paid_periods, d)


@lru_cache(maxsize=4096)
def _residual_lifetime(alpha: float, beta: float, n: int, d: float) -> float:
    # Cached: a refresh values 20,000 accounts whose tenures take a few hundred values, and
    # each sum has thousands of terms at a monthly discount rate.
    model = SBGModel(alpha, beta)
    return model.retention_rate(n) * discounted_survival_sum(model, d, start=n)


def discounted_survival_sum(model: SBGModel, discount_rate: float, start: int = 0) -> float:
    """Σ_{t≥0} S(s+t)/S(s) · (1+d)^−t from period s = ``start`` (0: a new customer), the
    closed form's ₂F₁(1, β+s; α+β+s; 1/(1+d)), summed directly.

    Summed rather than taken from ``scipy.special.hyp2f1``, which returns inf or wrong
    digits for whole-number α with small d and for large α, β (seen with scipy 1.17).
    S ≤ 1 makes the tail after a term at most term/d, so the sum stops when that is
    below 1e-15 of the total; the work grows like 1/d (about 40/d terms).
    """
    d = require_number("discount_rate", discount_rate, above=0)
    b = model.beta + start  # S(s+t)/S(s) is the survival of a Beta(α, β+s) cohort
    log_q, log_b0 = -math.log1p(d), float(betaln(model.alpha, b))
    total, first, size = 0.0, 0, 256
    while True:
        t = np.arange(first, first + size, dtype=np.float64)
        with np.errstate(under="ignore"):  # far terms underflow to 0, which is their value
            terms = np.exp(betaln(model.alpha, b + t) - log_b0 + t * log_q)
        total += float(terms.sum())
        if float(terms[-1]) <= 1e-15 * d * total:
            return total
        first, size = first + size, min(2 * size, 1 << 20)


def fit_sbg(survivors: Sequence[int]) -> SBGModel:
    """Maximum-likelihood α, β from survivor counts ``[n0, n1, ..., nT]``.

    n_t is the number of customers still active at the start of period t (n0 = cohort size).
    The n_{t−1} − n_t customers lost in period t contribute log P(T = t); the n_T still
    active contribute log S(T). At least two periods of churn are needed: one period only
    tells the mean churn, not how customers differ. A cohort with no churn yet, or whose
    every customer left in the first period, has no finite fit and is refused.
    """
    counts = _validated_counts(survivors)
    n = counts.size - 1
    lost = counts[:-1] - counts[1:]
    if counts[-1] == counts[0]:
        raise InvalidInput(_("No customer of this cohort has churned yet, so it cannot be fitted"))
    if counts[1] == 0:
        raise InvalidInput(
            _("Every customer churned in the first period, so retention cannot be fitted")
        )
    periods = np.arange(1.0, n + 1.0)
    # Dividing by the cohort size keeps the optimiser's scale the same for 10 or 10⁶ customers.
    weights, tail = lost / counts[0], counts[-1] / counts[0]

    def objective(x: FloatArray) -> tuple[float, FloatArray]:
        value, grad = _log_likelihood(math.exp(x[0]), math.exp(x[1]), periods, weights, tail)
        return -value, -grad

    result = minimize(
        objective,
        np.zeros(2),
        jac=True,
        method="L-BFGS-B",
        bounds=[_LOG_BOUNDS, _LOG_BOUNDS],
        options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 1000},
    )
    alpha, beta = math.exp(float(result.x[0])), math.exp(float(result.x[1]))
    value, _grad = _log_likelihood(alpha, beta, periods, weights, tail)
    return SBGModel(alpha, beta, float(value) * float(counts[0]))


def _log_likelihood(
    a: float, b: float, t: FloatArray, weights: FloatArray, tail: float
) -> tuple[float, FloatArray]:
    """Per-customer log-likelihood and its gradient in (log α, log β).

    Uses ∂/∂a log B(a, b) = ψ(a) − ψ(a+b), so the optimiser gets exact slopes.
    """
    log_b0 = betaln(a, b)
    log_p = betaln(a + 1.0, b + t - 1.0) - log_b0
    log_s = betaln(a, b + t[-1]) - log_b0
    value = float(weights @ log_p + tail * log_s)
    d0a, d0b = digamma(a) - digamma(a + b), digamma(b) - digamma(a + b)
    dpa = digamma(a + 1.0) - digamma(a + b + t) - d0a
    dpb = digamma(b + t - 1.0) - digamma(a + b + t) - d0b
    dsa = digamma(a) - digamma(a + b + t[-1]) - d0a
    dsb = digamma(b + t[-1]) - digamma(a + b + t[-1]) - d0b
    grad = np.array([a * (weights @ dpa + tail * dsa), b * (weights @ dpb + tail * dsb)])
    return value, grad


def _validated_counts(survivors: Sequence[int]) -> FloatArray:
    if len(survivors) < 3:
        raise InvalidInput(
            _("Give at least three survivor counts: the cohort size and two later periods"),
            [FieldError(("survivors",), _("Must be {limit} or more", limit=3), len(survivors))],
        )
    for index, count in enumerate(survivors):
        _require_whole(count, first=0, loc=("survivors", index))
        if index and count > survivors[index - 1]:
            previous = survivors[index - 1]
            reason = _("Must be {limit} or less", limit=previous)
            raise InvalidInput(
                _(
                    "Survivor counts cannot rise: period {index} has {count}, "
                    "more than the {previous} before it",
                    index=index,
                    count=count,
                    previous=previous,
                ),
                [FieldError(("survivors", index), reason, count)],
            )
    if survivors[0] == 0:
        raise InvalidInput(
            _("The cohort size (the first survivor count) must be more than 0"),
            [FieldError(("survivors", 0), _("Must be more than {limit}", limit=0), 0)],
        )
    return np.array([float(c) for c in survivors])


def require_number(
    name: str,
    value: float,
    *,
    at_least: float | None = None,
    above: float | None = None,
    at_most: float | None = None,
) -> float:
    """``value`` as a finite float within its bound, else :class:`InvalidInput` naming it.

    Shared by :mod:`kasasu.analytics.models.ltv`, which builds on this module.
    """
    reason: Message | None = None
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        reason = _("Not a number")
    elif at_least is not None and value < at_least:
        reason = _("Must be {limit} or more", limit=at_least)
    elif above is not None and value <= above:
        reason = _("Must be more than {limit}", limit=above)
    elif at_most is not None and value > at_most:
        reason = _("Must be {limit} or less", limit=at_most)
    if reason is not None:
        raise InvalidInput(
            _("{name}: {reason}", name=name, reason=reason), [FieldError((name,), reason, value)]
        )
    return float(value)


def _require_whole(value: int, *, first: int, loc: tuple[str | int, ...]) -> None:
    if isinstance(value, bool) or not isinstance(value, Integral) or value < first:
        reason = _("Must be a whole number of at least {limit}", limit=first)
        name = f"{loc[0]}[{loc[1]}]" if len(loc) > 1 else str(loc[0])
        raise InvalidInput(
            _("{name}: {reason}", name=name, reason=reason), [FieldError(loc, reason, value)]
        )
