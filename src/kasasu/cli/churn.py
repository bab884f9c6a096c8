"""``kasasu churn``: churn risk models, tried on a team's own table first."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from kasasu.cli.common import console, settings, t
from kasasu.imports.readers import read_table
from kasasu.kit.i18n import N_
from kasasu.kit.types import local_text
from kasasu.prediction.schemas import ChurnEvaluation
from kasasu.prediction.service import evaluate_churn

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


def _print(e: ChurnEvaluation) -> None:
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
    calibration = Table(title=t("Calibration (out of fold, tenths by predicted risk)"))
    for header in (t("Predicted"), t("Observed"), t("Rows")):
        calibration.add_column(header, justify="right")
    for row in e.calibration_table:
        calibration.add_row(f"{row.predicted:.1%}", f"{row.observed:.1%}", f"{row.rows:,}")
    console.print(calibration)
    reasons = Table(title=t("What raises the risk most"))
    for header in (t("Feature"), t("Rows where it is a top-3 reason"), t("Mean log-odds added")):
        reasons.add_column(header, justify="left" if header == t("Feature") else "right")
    for r in e.top_reasons[:10]:
        reasons.add_row(r.feature, f"{r.rows:,}", f"{r.mean_contribution:+.2f}")
    console.print(reasons)
    for column, why in e.ignored.items():
        console.print(
            t("Not used: {column} ({why})", column=column, why=local_text(why, locale)),
            highlight=False,
        )
