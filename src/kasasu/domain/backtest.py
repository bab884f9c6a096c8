"""How well a health score would have predicted churn: ROC AUC, churn per band, lift.

Each observation is one account on one past day: its score then, and whether it churned
within the horizon after that day. A good health score is low for the accounts that churn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kasasu.domain.scoring import Band


@dataclass(frozen=True)
class Observation:
    score: float | None
    band: Band
    churned: bool


@dataclass(frozen=True)
class BandOutcome:
    band: Band
    accounts: int  # observations (account-days) in the band
    churned: int

    @property
    def churn_rate(self) -> float | None:
        return self.churned / self.accounts if self.accounts else None


def roc_auc(scores: Sequence[float], churned: Sequence[bool]) -> float | None:
    """The probability that a random churner scored lower than a random stayer (ties ½).

    The Mann-Whitney form of the area under the ROC curve of "low score → churn", from mid
    ranks: (sum of the stayers' ranks − n_s(n_s + 1)/2) ÷ (n_s × n_c). None without both.
    """
    n_churn = sum(churned)
    n_stay = len(churned) - n_churn
    if n_churn == 0 or n_stay == 0:
        return None
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1  # ranks count from 1; ties share the middle
        i = j + 1
    stay_ranks = sum(r for r, c in zip(ranks, churned, strict=True) if not c)
    return (stay_ranks - n_stay * (n_stay + 1) / 2) / (n_stay * n_churn)


def by_band(observations: Sequence[Observation]) -> list[BandOutcome]:
    return [
        BandOutcome(
            band,
            sum(1 for o in observations if o.band is band),
            sum(1 for o in observations if o.band is band and o.churned),
        )
        for band in Band
    ]


def lift(observations: Sequence[Observation], band: Band = Band.RED) -> float | None:
    """Churn rate in ``band`` ÷ churn rate of all scored observations."""
    scored = [o for o in observations if o.score is not None]
    overall = sum(o.churned for o in scored) / len(scored) if scored else 0.0
    outcome = next(b for b in by_band(scored) if b.band is band)
    if not overall or outcome.churn_rate is None:
        return None
    return outcome.churn_rate / overall
