"""``kasasu churn``: churn risk models, tried on a team's own table first."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.table import Table

from kasasu.accounts.service import account_id_for
from kasasu.cli.common import console, fail, session_scope, settings, t
from kasasu.errors import NotFound
from kasasu.imports.readers import read_table
from kasasu.kit.i18n import N_, _
from kasasu.kit.types import local_text
from kasasu.prediction.schemas import ChurnCard, ReasonCount
from kasasu.prediction.service import account_risk, evaluate_churn, latest_model

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
    calibration = Table(title=t("Calibration (out of fold, tenths by predicted risk)"))
    for header in (t("Predicted"), t("Observed"), t("Rows")):
        calibration.add_column(header, justify="right")
    for row in e.calibration_table:
        calibration.add_row(f"{row.predicted:.1%}", f"{row.observed:.1%}", f"{row.rows:,}")
    console.print(calibration)
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
