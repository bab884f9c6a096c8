"""The shapes of comment analysis: key terms, theme counts, search hits, churn reasons."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class TermRow(BaseModel):
    """A term and how it separates the two sides: in how many comments of each it occurs,
    its log-odds ratio (positive: more typical of detractors) and that ratio's z-score."""

    term: str
    detractors: int
    promoters: int
    log_odds: float
    z: float


class ThemeCount(BaseModel):
    theme: str
    labels: dict[str, str] = Field(description="The theme's name per locale (ja, en)")
    detractors: int
    promoters: int


class TermComparison(BaseModel):
    """Detractors' comments against promoters' (for CSAT: 1–3 against 4–5)."""

    kind: str
    first: date | None
    last: date | None
    answers: int = Field(description="Answers of the kind in the period (all scores)")
    detractors: int
    promoters: int
    detractor_comments: int
    promoter_comments: int
    detractor_terms: list[TermRow] = Field(description="Most typical of detractors first")
    promoter_terms: list[TermRow] = Field(description="Most typical of promoters first")
    themes: list[ThemeCount]


class CommentHit(BaseModel):
    source: str = Field(description='"survey" or "cancellation"')
    id: int = Field(description="The survey response's or the subscription's id")
    account_id: int
    account_name: str
    kind: str = Field(description="nps, csat or ces; for a cancellation its reason")
    score: int | None
    comment: str
    at: datetime | date = Field(description="When answered (UTC) or the day cancelled")
    themes: list[str]


class CommentPage(BaseModel):
    query_terms: list[str] = Field(description="The words searched for, as analysed")
    items: list[CommentHit]
    next_cursor: str | None


class ReasonRow(BaseModel):
    reason: str
    accounts: int
    mrr: int = Field(description="MRR lost, minor units of the reporting currency")


class ThemeRow(BaseModel):
    theme: str = Field(description='A theme code, or "none" when the comment has none')
    labels: dict[str, str]
    accounts: int
    mrr: int


class ChurnedAccount(BaseModel):
    account_id: int
    name: str
    period: str
    reason: str
    mrr: int
    comment: str | None
    themes: list[str]


class ChurnReasons(BaseModel):
    """Accounts churned in the periods, by reason code and by theme of their comment (an
    account whose comment has two themes counts in both, so themes may add up to more)."""

    periods: list[str]
    currency: str
    accounts: int
    mrr: int
    reasons: list[ReasonRow]
    themes: list[ThemeRow]
    churned: list[ChurnedAccount]
