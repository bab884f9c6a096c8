"""``kasasu health``: an account's score explained, backtests, scorecards, features."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from kasasu.accounts.service import account_id_for
from kasasu.cli.common import console, err_console, session_scope, settings, t
from kasasu.cli.refresh import today_local
from kasasu.domain.dates import parse_date
from kasasu.domain.scoring import Band, band_label
from kasasu.health.backtest import backtest
from kasasu.health.explain import account_health
from kasasu.health.features import measurable_features
from kasasu.health.schemas import BacktestReport, HealthRead
from kasasu.health.scorecards import (
    get_scorecard,
    list_scorecards,
    parse_scorecard,
    save_scorecard,
)
from kasasu.kit.i18n import N_
from kasasu.wiring import refresh_config

health_app = typer.Typer(
    help=N_("Health scores: explain an account, backtest a scorecard, manage scorecards."),
    no_args_is_help=True,
)
scorecard_app = typer.Typer(help=N_("Scorecards (YAML): load, list, show."), no_args_is_help=True)
health_app.add_typer(scorecard_app, name="scorecard")

_COLORS: dict[str, str] = {Band.RED: "red", Band.YELLOW: "yellow", Band.GREEN: "green"}  # styles


@health_app.command("show", help=N_("An account's score, why, its trend and what changed."))
def show(
    account: Annotated[str, typer.Argument(help=N_("External id (e.g. ACC-0001) or id"))],
    as_of: Annotated[
        str | None, typer.Option(help=N_("The day (default: the latest scored)"))
    ] = None,
) -> None:
    config = settings()
    with session_scope() as session:
        health = account_health(
            session,
            account_id_for(session, account),
            as_of=parse_date(as_of) if as_of else None,
            locale=config.locale,
            currency=config.currency,
        )
    _print_health(health)


def _print_health(h: HealthRead) -> None:
    color = _COLORS.get(h.band, "white")
    console.print(f"[bold]{h.name}[/] ({h.external_id})", highlight=False)
    for line in h.summary:
        console.print(f"[{color}]{line}[/]" if line is h.summary[0] else line, highlight=False)
    table = Table(t("Measure"), t("Value"), t("Points"), t("Weight"), t("Contribution"))
    for m in h.measures:
        table.add_row(
            m.title,
            m.shown,
            "—" if m.points is None else f"{m.points:.0f}",
            f"{m.weight:g}",
            "—" if m.contribution is None else f"{m.contribution:.1f}",
        )
    console.print(table)
    trend = " ".join("·" if p.score is None else f"{p.score:.0f}" for p in h.trend)
    console.print(t("Last 90 days: {trend}", trend=trend), highlight=False)


@health_app.command(
    "backtest",
    help=N_(
        "Replay a scorecard over the stored feature history: for each past day, each account's "
        "score then and whether it churned within the horizon; prints ROC AUC, churn per band "
        "and the red band's lift."
    ),
)
def backtest_command(
    scorecard: Annotated[
        Path | None, typer.Option(help=N_("A scorecard YAML file (default: the active ones)"))
    ] = None,
    horizon: Annotated[int, typer.Option(min=1, help=N_("Days after each day to look"))] = 90,
    first: Annotated[str | None, typer.Option("--from", help=N_("First day to replay"))] = None,
    last: Annotated[str | None, typer.Option("--to", help=N_("Last day to replay"))] = None,
) -> None:
    card = (
        parse_scorecard(scorecard.read_text(encoding="utf-8"), str(scorecard))
        if scorecard
        else None
    )
    with err_console.status(t("Replaying the history…")), session_scope() as session:
        report = backtest(
            session,
            refresh_config(settings()),
            horizon_days=horizon,
            until=today_local(),
            first=parse_date(first) if first else None,
            last=parse_date(last) if last else None,
            card=card,
        )
    _print_backtest(report)


def _print_backtest(r: BacktestReport) -> None:
    auc = "—" if r.auc is None else f"{r.auc:.3f}"
    lift = "—" if r.red_lift is None else f"{r.red_lift:.2f}"
    console.print(t("Scorecard: {names}", names=", ".join(r.scorecards)), highlight=False)
    console.print(
        t(
            "Replayed {days} days from {first} to {last}: {n} account-days scored, {churned} of "
            "them churned within {horizon} days.",
            days=r.days,
            first=r.first_day.isoformat(),
            last=r.last_day.isoformat(),
            n=f"{r.scored:,}",
            churned=f"{r.churned:,}",
            horizon=r.horizon_days,
        ),
        highlight=False,
    )
    console.print(t("ROC AUC: {auc}", auc=auc), highlight=False)
    table = Table(t("Band"), t("Account-days"), t("Churned"), t("Churn rate"))
    for b in r.bands:
        rate = "—" if b.churn_rate is None else f"{b.churn_rate * 100:.1f}%"
        title = band_label(b.band).render(settings().locale)
        table.add_row(title, f"{b.accounts:,}", f"{b.churned:,}", rate)
    console.print(table)
    if len(r.cards) > 1:
        _print_cards(r)
    console.print(t("Lift of the red band: {lift}", lift=lift), highlight=False)
    console.print(
        t(
            "How: each stored feature day D is scored again with the scorecard; an account paying "
            "on D churned if it pays nothing on D + horizon. AUC is the chance that a churner "
            "scored lower than a stayer (ties count half; 0.5 is a coin toss, 1.0 perfect); the "
            "lift is the red band's churn rate over the churn rate of all scored account-days."
        ),
        highlight=False,
    )


def _print_cards(r: BacktestReport) -> None:
    table = Table(
        t("Scorecard"), t("Account-days"), t("Not enough data"), t("Churned"), t("ROC AUC")
    )
    for c in r.cards:
        name = c.name if c.version is None else f"{c.name} v{c.version}"
        auc = "—" if c.auc is None else f"{c.auc:.3f}"
        table.add_row(
            name, f"{c.scored:,}", f"{c.observations - c.scored:,}", f"{c.churned:,}", auc
        )
    console.print(table)


@scorecard_app.command(
    "load", help=N_("Validate a scorecard YAML file and store it as a new version.")
)
def load(path: Annotated[Path, typer.Argument(help=N_("The YAML file"))]) -> None:
    card = parse_scorecard(path.read_text(encoding="utf-8"), str(path))
    with session_scope() as session:
        saved = save_scorecard(session, card)
    console.print(
        t("Scorecard {name} is at version {version}", name=saved.name, version=saved.version)
    )


@scorecard_app.command("list", help=N_("The scorecards, in the order they are tried."))
def list_command() -> None:
    with session_scope() as session:
        cards = list_scorecards(session)
    table = Table(t("Name"), t("Version"), t("Applies to"), t("Measures"))
    for c in cards:
        applies = ", ".join(f"{k}={v}" for k, v in c.definition.get("applies_to", {}).items())
        table.add_row(
            c.name,
            str(c.version),
            applies or t("every account"),
            str(len(c.definition["measures"])),
        )
    console.print(table)


@scorecard_app.command("show", help=N_("A scorecard's latest version as YAML."))
def show_scorecard(name: Annotated[str, typer.Argument(help=N_("Scorecard name"))]) -> None:
    import yaml

    with session_scope() as session:
        card = get_scorecard(session, name)
    typer.echo(f"# {card.name} v{card.version}")
    typer.echo(yaml.safe_dump(card.definition, allow_unicode=True, sort_keys=False), nl=False)


@health_app.command("features", help=N_("The features a scorecard can measure."))
def features() -> None:
    locale = settings().locale
    table = Table(t("Name"), t("Title"), t("Definition"))
    for f in measurable_features():
        table.add_row(f.name, f.title.render(locale), f.definition.render(locale))
    console.print(table)
