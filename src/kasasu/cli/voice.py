"""``kasasu voice``: key terms of comments, comment search and churn reasons."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from kasasu.cli.common import console, err_console, session_scope, settings, t
from kasasu.domain.choices import CancellationReason
from kasasu.domain.dates import parse_date
from kasasu.domain.money import format_money
from kasasu.domain.periods import Grain, parse_month
from kasasu.kit.choices import label
from kasasu.kit.i18n import N_
from kasasu.voice.schemas import TermRow
from kasasu.voice.service import churn_reasons, comment_terms, search_comments

voice_app = typer.Typer(
    help=N_("Voice of the customer: key terms of comments, comment search, churn reasons."),
    no_args_is_help=True,
)


@voice_app.command(
    "terms", help=N_("Key terms and themes of detractors' comments against promoters'.")
)
def terms(
    first: Annotated[
        str | None, typer.Option("--from", help=N_("First day, e.g. 2026-04-01"))
    ] = None,
    last: Annotated[str | None, typer.Option("--to", help=N_("Last day, included"))] = None,
    kind: Annotated[str, typer.Option(help=N_("nps or csat"))] = "nps",
    segment: Annotated[str | None, typer.Option(help=N_("Only this segment's accounts"))] = None,
    plan: Annotated[str | None, typer.Option(help=N_("Only accounts on this plan"))] = None,
    limit: Annotated[int, typer.Option(help=N_("Terms per side"))] = 15,
) -> None:
    config = settings()
    with session_scope() as session:
        result = comment_terms(
            session,
            kind=kind,
            first=parse_date(first) if first else None,
            last=parse_date(last) if last else None,
            zone=config.timezone,
            segment=segment,
            plan=plan,
            limit=limit,
        )
    console.print(
        t(
            "{answers} answers: {detractors} detractors ({dc} comments), "
            "{promoters} promoters ({pc} comments)",
            answers=result.answers,
            detractors=result.detractors,
            dc=result.detractor_comments,
            promoters=result.promoters,
            pc=result.promoter_comments,
        )
    )
    console.print(_terms(t("Key terms of detractors"), result.detractor_terms))
    console.print(_terms(t("Key terms of promoters"), result.promoter_terms))
    themes = Table(t("Comment theme"), t("Detractor comments"), t("Promoter comments"))
    for row in result.themes:
        themes.add_row(row.labels.get(config.locale, row.theme), *_n(row.detractors, row.promoters))
    console.print(themes)


def _terms(title: str, rows: list[TermRow]) -> Table:
    table = Table(t("Key term"), t("Detractor comments"), t("Promoter comments"), "z", title=title)
    for row in rows:
        table.add_row(row.term, *_n(row.detractors, row.promoters), f"{row.z:+.2f}")
    return table


def _n(*values: int) -> list[str]:
    return [f"{v:,}" for v in values]


@voice_app.command("search", help=N_("Comments that contain every word of the query."))
def search(
    query: Annotated[str, typer.Argument(help=N_("Words to find, in any form"))],
    kind: Annotated[
        str | None, typer.Option(help=N_("nps, csat, ces or cancellation (default: answers)"))
    ] = None,
    limit: Annotated[int, typer.Option(help=N_("Comments to show"))] = 50,
) -> None:
    config = settings()
    with session_scope() as session:
        page = search_comments(session, query, kind=kind, zone=config.timezone, limit=limit)
    table = Table(t("When"), t("Account"), t("Score or reason"), t("Comment"), t("Comment themes"))
    for hit in page.items:
        score = str(hit.score) if hit.score is not None else _reason(hit.kind, config.locale)
        table.add_row(str(hit.at)[:10], hit.account_name, score, hit.comment, ", ".join(hit.themes))
    console.print(table)
    err_console.print(t("{n} comments", n=len(page.items)))


def _reason(code: str, locale: str) -> str:
    try:
        return label(CancellationReason(code)).render(locale)
    except ValueError:
        return code


@voice_app.command(
    "reasons", help=N_("Churned accounts and MRR by cancellation reason and by comment theme.")
)
def reasons(
    first: Annotated[str, typer.Option("--from", help=N_("First month, e.g. 2025-04"))],
    last: Annotated[
        str | None, typer.Option("--to", help=N_("Last month (default: the first)"))
    ] = None,
    by: Annotated[Grain, typer.Option(help=N_("month, quarter or fiscal-year"))] = Grain.MONTH,
) -> None:
    config = settings()
    with session_scope() as session:
        result = churn_reasons(
            session, parse_month(first), parse_month(last or first), config.reporting(), grain=by
        )

    def money(amount: int) -> str:
        return format_money(amount, result.currency, config.locale)

    console.print(
        t("{n} churned accounts, {mrr} MRR lost", n=result.accounts, mrr=money(result.mrr))
    )
    by_reason = Table(t("Reason"), t("Churned accounts"), t("Churned MRR"))
    for r in result.reasons:
        by_reason.add_row(_reason(r.reason, config.locale), f"{r.accounts:,}", money(r.mrr))
    console.print(by_reason)
    by_theme = Table(t("Comment theme"), t("Churned accounts"), t("Churned MRR"))
    for row in result.themes:
        by_theme.add_row(
            row.labels.get(config.locale, row.theme), f"{row.accounts:,}", money(row.mrr)
        )
    console.print(by_theme)
