"""Non-contractual customer value: the BG/NBD purchase model and the Gamma-Gamma spend model.

Where revenue comes as repeat purchases rather than a subscription (usage-based charges,
one-off purchases, transactions imported as events with a value), nobody announces that
they left; the BG/NBD of Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way:
An Alternative to the Pareto/NBD Model", Marketing Science 24(2), infers it from each
customer's frequency ``x`` (repeat purchases), recency ``t_x`` (time of the last one after
the first) and age ``T`` (time since the first). While alive a customer buys at rate λ ~
Gamma(r, α); after each purchase they drop out with probability p ~ Beta(a, b).

The Gamma-Gamma model (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis", JMR 42(4); Fader & Hardie 2013, "The Gamma-Gamma Model of Monetary
Value") gives the expected value of a customer's future purchases from the mean of their
repeat purchases, shrunk towards the population's. Both are fitted by maximum likelihood
(scipy) over the logarithms of their parameters, so every parameter stays positive.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import OptimizeResult, minimize
from scipy.special import betaln, gammaln, hyp2f1

from kasasu.errors import FieldError, InvalidInput
from kasasu.kit.i18n import Message, _

FloatArray = npt.NDArray[np.float64]
Numbers = Sequence[float] | FloatArray


@dataclass(frozen=True)
class BGNBDModel:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = math.nan

    def prob_alive(self, frequency: Numbers, recency: Numbers, T: Numbers) -> FloatArray:  # noqa: N803 - the papers' name
        """P(still a customer at T | x, t_x, T): 1 for nobody who never bought again."""
        x, t_x, age = _arrays(frequency, recency, T)
        return 1.0 / (1.0 + self._odds_gone(x, t_x, age))

    def expected_purchases(
        self,
        t: float,
        frequency: Numbers,
        recency: Numbers,
        T: Numbers,  # noqa: N803 - the papers' name
    ) -> FloatArray:
        """E[purchases in (T, T + t] | x, t_x, T] (Fader, Hardie & Lee 2005, eq. 10)."""
        x, t_x, age = _arrays(frequency, recency, T)
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        later = age + t
        part = 1.0 - ((alpha + age) / (alpha + later)) ** (r + x) * hyp2f1(
            r + x, b + x, a + b + x - 1.0, t / (alpha + later)
        )
        result: FloatArray = (
            (a + b + x - 1.0) / (a - 1.0) * part / (1.0 + self._odds_gone(x, t_x, age))
        )
        return result

    def _odds_gone(self, x: FloatArray, t_x: FloatArray, age: FloatArray) -> FloatArray:
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        with np.errstate(divide="ignore", invalid="ignore"):
            odds = a / (b + x - 1.0) * ((alpha + age) / (alpha + t_x)) ** (r + x)
        gone: FloatArray = np.where(x > 0, odds, 0.0)
        return gone


@dataclass(frozen=True)
class GammaGammaModel:
    p: float
    q: float
    gamma: float
    log_likelihood: float = math.nan

    def expected_average_value(self, frequency: Numbers, monetary_value: Numbers) -> FloatArray:
        """E[M | x, m_x] = (γ + m_x x) p ÷ (p x + q − 1): the customer's mean, shrunk towards
        the population's (γ p ÷ (q − 1)) the fewer purchases it rests on; the population's
        mean for a customer without repeat purchases."""
        x = np.asarray(frequency, dtype=float)
        m = np.nan_to_num(np.asarray(monetary_value, dtype=float))
        p, q, g = self.p, self.q, self.gamma
        value: FloatArray = (g + m * x) * p / (p * x + q - 1.0)
        return value


def fit_bgnbd(frequency: Numbers, recency: Numbers, T: Numbers) -> BGNBDModel:  # noqa: N803
    """Maximum-likelihood BG/NBD over customers' (x, t_x, T), in any one time unit."""
    x, t_x, age = _arrays(frequency, recency, T)
    _check_rft(x, t_x, age)

    def negative(params: FloatArray) -> float:
        r, alpha, a, b = (float(v) for v in np.exp(params))
        return -float(np.sum(_bgnbd_ll((r, alpha, a, b), x, t_x, age)))

    found = _maximise(negative, 4)
    r, alpha, a, b = (float(v) for v in np.exp(found.x))
    return BGNBDModel(r, alpha, a, b, log_likelihood=-float(found.fun))


def fit_gamma_gamma(frequency: Numbers, monetary_value: Numbers) -> GammaGammaModel:
    """Maximum-likelihood Gamma-Gamma over the customers with at least one repeat purchase
    (``frequency`` ≥ 1) and the mean value of those purchases (above 0); others are left out,
    as the model asks."""
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)
    if x.shape != m.shape:
        raise _invalid("monetary_value", _("Give one value per customer"))
    keep = (x >= 1) & np.isfinite(m) & (m > 0)
    if keep.sum() < 2:
        raise _invalid("frequency", _("At least two customers need a repeat purchase"))
    x, m = x[keep], m[keep]

    def negative(params: FloatArray) -> float:
        p, q, g = np.exp(params)
        ll = (
            gammaln(p * x + q)
            - gammaln(p * x)
            - gammaln(q)
            + q * np.log(g)
            + (p * x - 1.0) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(g + m * x)
        )
        return -float(np.sum(ll))

    found = _maximise(negative, 3)
    p, q, g = (float(v) for v in np.exp(found.x))
    return GammaGammaModel(p, q, g, log_likelihood=-float(found.fun))


def _bgnbd_ll(
    params: tuple[float, float, float, float], x: FloatArray, t_x: FloatArray, age: FloatArray
) -> FloatArray:
    """Each customer's log-likelihood (Fader, Hardie & Lee 2005, eq. 6, in logs)."""
    r, alpha, a, b = params
    common = gammaln(r + x) - gammaln(r) + r * math.log(alpha) + betaln(a, b + x) - betaln(a, b)
    stay = -(r + x) * np.log(alpha + age)
    with np.errstate(divide="ignore"):
        left = np.where(
            x > 0,
            np.log(a) - np.log(np.maximum(b + x - 1.0, 1e-300)) - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    result: FloatArray = common + np.logaddexp(stay, left)
    return result


def _maximise(negative: Callable[[FloatArray], float], size: int) -> OptimizeResult:
    """Nelder-Mead from 1 for every parameter, then a polish; the search works on logs."""
    start = np.zeros(size)
    first = minimize(negative, start, method="Nelder-Mead",
                     options={"maxiter": 4000, "xatol": 1e-8, "fatol": 1e-10})  # fmt: skip
    found = minimize(negative, first.x, method="BFGS")
    best = found if found.fun <= first.fun else first
    if not np.isfinite(best.fun):
        raise _invalid("frequency", _("The model could not be fitted to these customers"))
    return best


def _arrays(*columns: Numbers) -> tuple[FloatArray, ...]:
    arrays = tuple(np.asarray(c, dtype=float) for c in columns)
    if len({a.shape for a in arrays}) > 1:
        raise _invalid("recency", _("Give one value per customer"))
    return arrays


def _check_rft(x: FloatArray, t_x: FloatArray, age: FloatArray) -> None:
    errors: list[FieldError] = []
    if x.size == 0:
        errors.append(FieldError(("frequency",), _("No customers"), None))
    if np.any(~np.isfinite(x)) or np.any(x < 0) or np.any(x != np.floor(x)):
        errors.append(FieldError(("frequency",), _("Must be whole numbers, 0 or more"), None))
    if np.any(t_x < 0) or np.any(t_x > age):
        errors.append(FieldError(("recency",), _("Must be between 0 and T"), None))
    if np.any(age <= 0):
        errors.append(FieldError(("T",), _("Must be above 0"), None))
    if errors:
        raise InvalidInput(_("The customers' frequency, recency and T are not valid"), errors)


def _invalid(field: str, reason: Message) -> InvalidInput:
    return InvalidInput(reason, [FieldError((field,), reason, None)])


@dataclass(frozen=True)
class PurchaseHistory:
    """One customer's purchases as BG/NBD and Gamma-Gamma read them, in periods (weeks by
    default): ``frequency`` repeat purchases, ``recency`` from the first to the last,
    ``T`` from the first to the end of the observation, ``monetary_value`` the mean value of
    the repeat purchases (nan without any)."""

    frequency: int
    recency: float
    T: float
    monetary_value: float


def purchase_history(
    days: Sequence[int], values: Sequence[float], end: int, days_per_period: float = 7.0
) -> PurchaseHistory:
    """From a customer's purchase ``days`` (whole days on any one scale, all before ``end``)
    and their ``values``. Purchases on the same day are one purchase of their total, as the
    models count transactions per period; the first purchase is not a repeat, so its value
    is left out of the mean (Fader, Hardie & Lee 2005)."""
    if not days or len(days) != len(values):
        raise _invalid("days", _("Give one value per purchase day, at least one"))
    by_day: dict[int, float] = {}
    for day, value in zip(days, values, strict=True):
        by_day[day] = by_day.get(day, 0.0) + float(value)
    ordered = sorted(by_day)
    if ordered[-1] >= end:
        raise _invalid("end", _("The end must come after the last purchase"))
    repeats = [by_day[d] for d in ordered[1:]]
    return PurchaseHistory(
        frequency=len(repeats),
        recency=(ordered[-1] - ordered[0]) / days_per_period,
        T=(end - ordered[0]) / days_per_period,
        monetary_value=sum(repeats) / len(repeats) if repeats else math.nan,
    )
