"""``kasasu churn``: churn risk models, tried on a team's own table first."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from kasasu.accounts.service import account_id_for
from kasasu.cli.common import console, fail, session_scope, settings, t
from kasasu.cli.refresh import today_local
from kasasu.errors import NotFound
from kasasu.imports.readers import read_table
from kasasu.kit.i18n import N_, _
from kasasu.kit.types import local_text
from kasasu.prediction.backtest import churn_backtest
from kasasu.prediction.schemas import CalibrationRow, ChurnCard, ReasonCount
from kasasu.prediction.service import account_risk, evaluate_churn, latest_model
from kasasu.wiring import refresh_config

churn_app = typer.Typer(
    help=N_("Churn risk (解約リスク): evaluate the model on your own table."),
    no_args_is_help=True,
)


@churn_app.command(
    "evaluate",
    help=N_(
        "Fit the churn models on a CSV or Excel table (one row per customer, a churned "
        "column) and print the cross-validated AUC, the calibration and the top reasons."
    ),
)
def evaluate(
    file: Annotated[Path, typer.Argument(help=N_("A .csv (UTF-8 or Shift_JIS) or .xlsx file"))],
    label: Annotated[
        str, typer.Option(help=N_("The column that says who churned (Yes/No, 1/0, true/false)"))
    ],
    categorical: Annotated[
        list[str] | None,
        typer.Option(help=N_("A column of codes to read as categories, not numbers")),
    ] = None,
    time_column: Annotated[
        str | None,
        typer.Option(
            help=N_("A column of times: folds then chain forward (no future in training)")
        ),
    ] = None,
) -> None:
    table = read_table(file.read_bytes(), file.name)
    frame = pd.DataFrame([row.values for row in table.rows], columns=table.headers)
    with console.status(t("Fitting the models on {n} rows…", n=f"{len(frame):,}")):
        found = evaluate_churn(frame, label, categorical=categorical, time_column=time_column)
    _print(found)
    _print_reasons(found.top_reasons)


def _print(e: ChurnCard) -> None:
    locale = settings().locale
    console.print(
        t("{rows} rows, {churned} churned ({share}).", rows=f"{e.rows:,}",
          churned=f"{e.churned:,}", share=f"{e.churned / e.rows:.1%}"),
        highlight=False,
    )  # fmt: skip
    console.print(local_text(e.why, locale), highlight=False)
    aucs = ", ".join(f"{kind} {auc:.3f}" for kind, auc in e.auc_by_model.items())
    console.print(t("Cross-validated AUC: {aucs}.", aucs=aucs), highlight=False)
    console.print(
        t(
            "Brier score {brier}; calibration {method}; the riskiest tenth churns {lift}× as "
            "often as all rows.",
            brier=f"{e.cv_brier:.4f}",
            method=e.calibration,
            lift=f"{e.lift_top_decile:.2f}",
        ),
        highlight=False,
    )
    _print_calibration(
        t("Calibration (out of fold, tenths by predicted risk)"), e.calibration_table
    )
    for column, why in e.ignored.items():
        console.print(
            t("Not used: {column} ({why})", column=column, why=local_text(why, locale)),
            highlight=False,
        )


def _print_reasons(top: list[ReasonCount]) -> None:
    reasons = Table(title=t("What raises the risk most"))
    for header in (t("Feature"), t("Rows where it is a top-3 reason"), t("Mean log-odds added")):
        reasons.add_column(header, justify="left" if header == t("Feature") else "right")
    for r in top[:10]:
        reasons.add_row(r.feature, f"{r.rows:,}", f"{r.mean_contribution:+.2f}")
    console.print(reasons)


@churn_app.command(
    "card",
    help=N_(
        "The model card of the latest churn model the daily refresh trained: data window, "
        "AUC against the health scores on the same account-days, calibration, lift."
    ),
)
def card() -> None:
    with session_scope() as session:
        found = latest_model(session)
    if found is None:
        raise fail(NotFound(_("No churn model yet: the daily refresh trains one once it has "
                              "features from six days at least 90 days back")))  # fmt: skip
    console.print(
        t(
            "Trained on {day} from {rows} account-days ({first} to {last}), horizon {horizon} "
            "days.",
            day=found.trained_on.isoformat(),
            rows=f"{found.rows:,}",
            first=found.first_day.isoformat(),
            last=found.last_day.isoformat(),
            horizon=found.horizon_days,
        ),
        highlight=False,
    )
    h = found.health
    if h.health_auc is not None and h.model_auc is not None:
        console.print(
            t(
                "On the same {rows} account-days: churn model AUC {model}, health score AUC "
                "{health}.",
                rows=f"{h.rows:,}",
                model=f"{h.model_auc:.3f}",
                health=f"{h.health_auc:.3f}",
            ),
            highlight=False,
        )
        _health_ranks_better(h.model_auc, h.health_auc)
    _print(found)


@churn_app.command("show", help=N_("An account's churn risk and what raises it most."))
def show(
    account: Annotated[str, typer.Argument(help=N_("External id (e.g. ACC-0001) or id"))],
) -> None:
    config = settings()
    with session_scope() as session:
        risk = account_risk(
            session, account_id_for(session, account), config.locale, config.currency
        )
    if risk is None:
        raise fail(NotFound(_("No churn risk for this account yet")))
    console.print(
        t(
            "Churn risk {risk} within {days} days (as of {day}).",
            risk=f"{risk.risk:.0%}",
            days=risk.horizon_days,
            day=risk.as_of.isoformat(),
        ),
        highlight=False,
    )
    for line in risk.said:
        console.print(f"- {line}", highlight=False)


@churn_app.command(
    "backtest",
    help=N_(
        "Replay the churn model over the feature history: at each cut-off, train as the "
        "refresh of that day would have, score it, and compare with what happened; the "
        "health score on the same account-days beside it."
    ),
)
def backtest_command(
    horizon: Annotated[
        int, typer.Option(help=N_("Days after each cut-off that count as churn"))
    ] = 90,
    every: Annotated[int, typer.Option(help=N_("Days between cut-offs"))] = 14,
) -> None:
    with session_scope() as session, console.status(t("Training at each cut-off…")):
        found = churn_backtest(
            session, refresh_config(settings()), horizon_days=horizon, until=today_local(),
            every=every,
        )  # fmt: skip
    console.print(
        t(
            "{n} cut-offs from {first} to {last}; {rows} account-days, {churned} churned "
            "within {horizon} days.",
            n=len(found.cutoffs),
            first=found.cutoffs[0].isoformat(),
            last=found.cutoffs[-1].isoformat(),
            rows=f"{found.observations:,}",
            churned=f"{found.churned:,}",
            horizon=found.horizon_days,
        ),
        highlight=False,
    )
    table = Table(title=t("On the {n} account-days with a health score", n=f"{found.same_days:,}"))
    table.add_column(t("Measure"))
    table.add_column(t("Churn model"), justify="right")
    table.add_column(t("Health score"), justify="right")

    def show(value: float | None, digits: int = 3) -> str:
        return "—" if value is None or math.isnan(value) else f"{value:.{digits}f}"

    m, h = found.model_on_same_days, found.health
    table.add_row("ROC AUC", show(m.auc), show(h.auc))
    table.add_row(
        t("Lift of the riskiest tenth"), show(m.lift_top_decile, 2), show(h.lift_top_decile, 2)
    )
    console.print(table)
    _health_ranks_better(m.auc, h.auc)
    console.print(
        t(
            "Churn model on all {rows} account-days: AUC {auc}, Brier score {brier}, lift of "
            "the riskiest tenth {lift}.",
            rows=f"{found.observations:,}",
            auc=show(found.model.auc),
            brier=show(found.model.brier, 4),
            lift=show(found.model.lift_top_decile, 2),
        ),
        highlight=False,
    )
    _print_calibration(t("Calibration (tenths by predicted risk)"), found.calibration_table)


def _health_ranks_better(model: float | None, health: float | None) -> None:
    if model is not None and health is not None and health > model:
        console.print(
            t(
                "On this history the health score ranks churners better than the churn model: "
                "trust the score, and let the model learn from more history."
            ),
            style="yellow",
            highlight=False,
        )


def _print_calibration(title: str, rows: list[CalibrationRow]) -> None:
    calibration = Table(title=title)
    for header in (t("Predicted"), t("Observed"), t("Rows")):
        calibration.add_column(header, justify="right")
    for row in rows:
        calibration.add_row(f"{row.predicted:.1%}", f"{row.observed:.1%}", f"{row.rows:,}")
    console.print(calibration)
