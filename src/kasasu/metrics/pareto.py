"""The churn-reason Pareto (解約理由のパレート分析): reasons by churned MRR, largest first,
each with its share and the running share of the total. One definition for the churn
page, its API and the Excel report."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import accumulate

from pydantic import BaseModel, Field


class ParetoRow(BaseModel):
    reason: str
    mrr: float = Field(description="Churned MRR, reporting currency, minor units")
    logos: float = Field(description="Churned accounts")
    share: float | None = Field(description="Of the total churned MRR; none when it is 0")
    cumulative: float | None = Field(description="This reason and every larger one")


def churn_pareto(
    mrr: Mapping[str, float | int | None], logos: Mapping[str, float | int | None]
) -> list[ParetoRow]:
    """Reasons with churned MRR or accounts, by MRR then accounts, largest first; equal
    ones keep the order they came in (the KPI's order of reasons)."""
    money = {r: float(v or 0) for r, v in mrr.items()}
    count = {r: float(logos.get(r) or 0) for r in money}
    reasons = sorted(
        (r for r in money if money[r] or count[r]), key=lambda r: (-money[r], -count[r])
    )
    total = sum(money.values())
    running = accumulate(money[r] for r in reasons)
    return [
        ParetoRow(
            reason=r,
            mrr=money[r],
            logos=count[r],
            share=money[r] / total if total else None,
            cumulative=c / total if total else None,
        )
        for r, c in zip(reasons, running, strict=True)
    ]
