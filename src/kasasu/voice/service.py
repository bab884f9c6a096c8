"""Comment analysis (コメント分析): the words that set detractors apart from promoters, search
over comments, and churned MRR per cancellation reason and per theme of the comment.

Text goes through :mod:`kasasu.voice.text` (SudachiPy for Japanese); churned MRR comes
from the churn-by-reason KPI of the metrics service, so it is the figure the churn page and
``kasasu metrics`` show, per account.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kasasu.analytics.kpis_voice import REASONS
from kasasu.domain.choices import SURVEY_SIDES
from kasasu.domain.dates import local_midnight, today_in
from kasasu.domain.periods import Grain, periods
from kasasu.domain.reporting import Reporting
from kasasu.errors import FieldError, InvalidInput
from kasasu.kit import deadline
from kasasu.kit.i18n import _
from kasasu.kit.paging import CursorKey, decode_cursor, encode_cursor
from kasasu.metrics.schemas import ExplainRow, MetricQuery
from kasasu.metrics.service import explained, inputs_for
from kasasu.segments.service import segment_members
from kasasu.voice import repository
from kasasu.voice.schemas import (
    ChurnedAccount,
    ChurnReasons,
    CommentHit,
    CommentPage,
    ReasonRow,
    TermComparison,
    TermRow,
    ThemeCount,
    ThemeRow,
)
from kasasu.voice.text import compare_terms, themes, themes_of, tokenize

# The two sides compared, per survey kind: (detractor scores, promoter scores), inclusive.
SIDES = SURVEY_SIDES
NO_THEME = "none"
SEARCH_BATCH = 500
SEARCH_SCAN = 20_000  # comments read per search call at most; the cursor goes on from there


def theme_labels() -> dict[str, dict[str, str]]:
    """Each theme's name per locale, and the name of "no theme"."""
    labels = {t.code: dict(t.labels) for t in themes()}
    labels[NO_THEME] = {"ja": "テーマなし", "en": "No theme"}
    return labels


def _window(
    first: date | None, last: date | None, zone: str
) -> tuple[datetime | None, datetime | None]:
    start = local_midnight(first, zone) if first else None
    end = local_midnight(last + timedelta(days=1), zone) if last else None
    return start, end


def comment_terms(
    session: Session,
    *,
    kind: str = "nps",
    first: date | None = None,
    last: date | None = None,
    zone: str = "Asia/Tokyo",
    segment: str | None = None,
    plan: str | None = None,
    campaign: str | None = None,
    limit: int = 20,
) -> TermComparison:
    """Key terms and themes of detractors' against promoters' comments of the answers given
    from ``first`` to ``last`` (days in ``zone``, both included; open when None). A segment
    means its members on ``last`` (today when open)."""
    if kind not in SIDES:
        raise InvalidInput(
            _("Key terms are computed for NPS and CSAT answers, not {kind}", kind=kind),
            [FieldError(("query", "kind"), _("Use nps or csat"), kind)],
        )
    start, end = _window(first, last, zone)
    members = None
    if segment:
        day = last or today_in(zone)
        members = segment_members(session, segment, day)
    rows = repository.scored_answers(
        session, kind, start, end, account_ids=members, plan=plan, campaign=campaign
    )
    (low, high), (top_low, top_high) = SIDES[kind]
    detractors = [c for s, c in rows if low <= s <= high]
    promoters = [c for s, c in rows if top_low <= s <= top_high]
    d_tokens, p_tokens = _tokenized(detractors), _tokenized(promoters)
    stats = compare_terms(d_tokens, p_tokens) if d_tokens or p_tokens else []
    terms = [
        TermRow(term=s.term, detractors=s.count_a, promoters=s.count_b, log_odds=s.log_odds, z=s.z)
        for s in stats
    ]
    return TermComparison(
        kind=kind,
        first=first,
        last=last,
        answers=len(rows),
        detractors=len(detractors),
        promoters=len(promoters),
        detractor_comments=len(d_tokens),
        promoter_comments=len(p_tokens),
        detractor_terms=[t for t in terms if t.z > 0][:limit],
        promoter_terms=[t for t in reversed(terms) if t.z < 0][:limit],
        themes=_theme_counts(d_tokens, p_tokens),
    )


def _tokenized(comments: list[str | None]) -> list[list[str]]:
    """The words of each comment with text; ~5,000 comments a second, so stopped work
    (kasasu.kit.deadline) is looked for every thousand."""
    found = []
    for n, comment in enumerate(comments):
        if n % 1000 == 0:
            deadline.check()
        if comment and comment.strip():
            found.append(tokenize(comment))
    return found


def _theme_counts(d_tokens: list[list[str]], p_tokens: list[list[str]]) -> list[ThemeCount]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for side, documents in enumerate((d_tokens, p_tokens)):
        for tokens in documents:
            for code in themes_of(tokens):
                counts[code][side] += 1
    labels = theme_labels()
    rows = [
        ThemeCount(theme=code, labels=labels[code], detractors=d, promoters=p)
        for code, (d, p) in counts.items()
    ]
    return sorted(rows, key=lambda r: (-(r.detractors + r.promoters), r.theme))


def search_comments(
    session: Session,
    q: str,
    *,
    kind: str | None = None,
    first: date | None = None,
    last: date | None = None,
    zone: str = "Asia/Tokyo",
    limit: int = 50,
    cursor: str | None = None,
) -> CommentPage:
    """Comments containing every word of ``q`` as analysed (「サポートの対応」 finds
    「サポートが対応してくれない」), newest first. ``kind`` nps, csat or ces searches those
    answers, "cancellation" the comments given when contracts were cancelled, None all answers.

    Matching needs the analysed words, so comments are read in batches and analysed here: at
    most 20,000 per call, after which ``next_cursor`` goes on where the scan stopped.
    """
    words = sorted(set(tokenize(q)))
    if not words:
        raise InvalidInput(
            _("Write at least one word to search for"),
            [FieldError(("query", "q"), _("No word to search for"), q)],
        )
    source = "cancellation" if kind == "cancellation" else "survey"
    after = _after(cursor, source)
    hits: list[CommentHit] = []
    scanned, next_key = 0, None
    while scanned < SEARCH_SCAN:
        rows = _batch(
            session, source=source, kind=kind, first=first, last=last, zone=zone, after=after
        )
        scanned += len(rows)
        for row in rows:
            after = (row[-1], row.id)
            hit = _hit(source, row, words)
            if hit is not None:
                hits.append(hit)
                if len(hits) == limit:
                    return CommentPage(
                        query_terms=words, items=hits, next_cursor=_key(source, after)
                    )
        if len(rows) < SEARCH_BATCH:
            return CommentPage(query_terms=words, items=hits, next_cursor=None)
        next_key = after
    return CommentPage(query_terms=words, items=hits, next_cursor=_key(source, next_key))


def _batch(
    session: Session,
    *,
    source: str,
    kind: str | None,
    first: date | None,
    last: date | None,
    zone: str,
    after: tuple[Any, int] | None,
) -> list[Any]:
    if source == "cancellation":
        return repository.cancellation_comments(
            session, first=first, last=last, after=after, limit=SEARCH_BATCH
        )
    start, end = _window(first, last, zone)
    return repository.survey_comments(
        session, kind=kind, start=start, end=end, after=after, limit=SEARCH_BATCH
    )


def _hit(source: str, row: Any, words: list[str]) -> CommentHit | None:
    text = row.comment if source == "survey" else row.cancel_comment
    tokens = tokenize(text)
    if not set(words) <= set(tokens):
        return None
    reason = (
        None if source == "survey" else (row.cancel_reason.value if row.cancel_reason else "other")
    )
    return CommentHit(
        source=source,
        id=row.id,
        account_id=row.account_id,
        account_name=row.name,
        kind=row.kind.value if source == "survey" else str(reason),
        score=row.score if source == "survey" else None,
        comment=text,
        at=row[-1],
        themes=sorted(themes_of(tokens)),
    )


def _key(source: str, after: tuple[Any, int] | None) -> str | None:
    if after is None:
        return None
    return encode_cursor(CursorKey(source, after[0].isoformat(), after[1]))


def _after(cursor: str | None, source: str) -> tuple[Any, int] | None:
    if not cursor:
        return None
    key = decode_cursor(cursor)
    try:
        if key is None or key.sort != source:
            raise ValueError(cursor)
        value = str(key.value)
        at = (
            date.fromisoformat(value) if source == "cancellation" else datetime.fromisoformat(value)
        )
    except ValueError:
        reason = _("Use the next_cursor of the previous page")
        raise InvalidInput(
            _("Invalid cursor"), [FieldError(("query", "cursor"), reason, cursor)]
        ) from None
    return at, key.row_id


CHURN_BY_REASON = "churn_by_reason"


def churn_reasons(
    session: Session,
    first: date,
    last: date,
    reporting: Reporting,
    *,
    grain: Grain = Grain.MONTH,
) -> ChurnReasons:
    """The accounts churned in each period from ``first``'s to ``last``'s (months), with the
    MRR they had at the period's start (the churn-by-reason KPI, per account), by reason code
    and by theme of the comment of the line whose reason the KPI took."""
    spans = periods(first, last, grain, reporting.fiscal_year_start)
    query = MetricQuery.reported(reporting, (CHURN_BY_REASON,), first, last, grain)
    with inputs_for(session, query) as inputs:
        _amounts, found = explained(inputs, CHURN_BY_REASON)
    by_period: dict[str, list[ExplainRow]] = defaultdict(list)
    for label, row in found:
        by_period[label].append(row)
    churned: list[ChurnedAccount] = []
    for span in spans:
        rows = by_period[span.label]
        said = repository.last_cancellations(session, [r.account_id for r in rows], span.end)
        for row in rows:
            reason = next((r for r in REASONS if row.amounts.get(r) is not None), "other")
            comment = said.get(row.account_id, (None, None))[1]
            churned.append(
                ChurnedAccount(
                    account_id=row.account_id,
                    name=row.name,
                    period=span.label,
                    reason=reason,
                    mrr=int(row.amounts.get("amount") or 0),
                    comment=comment,
                    themes=sorted(themes_of(tokenize(comment or ""))) or [NO_THEME],
                )
            )
    return _summarize([s.label for s in spans], reporting.currency, churned)


def _summarize(labels: list[str], currency: str, churned: list[ChurnedAccount]) -> ChurnReasons:
    by_reason: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_theme: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in churned:
        for bucket in [by_reason[c.reason], *(by_theme[t] for t in c.themes)]:
            bucket[0] += 1
            bucket[1] += c.mrr
    names = theme_labels()
    return ChurnReasons(
        periods=labels,
        currency=currency,
        accounts=len(churned),
        mrr=sum(c.mrr for c in churned),
        reasons=sorted(
            (ReasonRow(reason=r, accounts=n, mrr=m) for r, (n, m) in by_reason.items()),
            key=lambda r: (-r.mrr, -r.accounts, r.reason),
        ),
        themes=sorted(
            (
                ThemeRow(theme=t, labels=names[t], accounts=n, mrr=m)
                for t, (n, m) in by_theme.items()
            ),
            key=lambda r: (-r.mrr, -r.accounts, r.theme),
        ),
        churned=churned,
    )
