"""``kasasu renewals``: the renewal forecast (更新予測) and how good it has been."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kasasu.cli.common import console, session_scope, settings, t
from kasasu.cli.refresh import today_local
from kasasu.domain.dates import parse_date
from kasasu.domain.money import format_money
from kasasu.kit.i18n import N_
from kasasu.renewals.backtest import forecast_backtest
from kasasu.renewals.forecast import next_quarter, renewal_forecast
from kasasu.wiring import refresh_config

renewals_app = typer.Typer(
    help=N_("Renewals (更新管理): the forecast of what will renew, and its backtest."),
    no_args_is_help=True,
)


def _money(amount: int) -> str:
    config = settings()
    return format_money(amount, config.currency, config.locale)


@renewals_app.command(
    "forecast",
    help=N_(
        "The MRR up for renewal and expected to renew (by the model alone and with the CSMs' "
        "calls), by month, CSM and segment; the next quarter unless --from/--to."
    ),
)
def forecast_command(
    first: Annotated[str | None, typer.Option("--from", help=N_("First renewal date"))] = None,
    last: Annotated[str | None, typer.Option("--to", help=N_("Last renewal date"))] = None,
) -> None:
    today = today_local()
    start, end = next_quarter(today)
    start = parse_date(first) if first else start
    end = parse_date(last) if last else end
    with session_scope() as session:
        found = renewal_forecast(session, start, end, settings().currency, today, size=1)
    console.print(
        t("Renewals from {first} to {last}: {n}, {mrr} of MRR up for renewal.",
          first=start.isoformat(), last=end.isoformat(), n=f"{found.total.renewals:,}",
          mrr=_money(found.total.mrr)),
        highlight=False,
    )  # fmt: skip
    for title, groups in (
        (t("By month"), found.months),
        (t("By CSM"), found.owners),
        (t("By segment (an account may be in several)"), found.segments),
    ):
        table = Table(title=title)
        for column in ("", t("Renewals"), t("MRR up for renewal"), t("By the model alone"),
                       t("Expected renewed MRR"), t("Committed")):  # fmt: skip
            table.add_column(column, justify="left" if not column else "right")
        for g in [*groups, found.total.model_copy(update={"label": t("Total")})]:
            table.add_row(g.label, f"{g.renewals:,}", _money(g.mrr), _money(g.model_expected),
                          _money(g.expected), _money(g.committed))  # fmt: skip
        console.print(table)


@renewals_app.command(
    "backtest",
    help=N_(
        "Forecast each of the last months as it stood before it began (the churn model "
        "trained then, the calls made by then) and print the error against the MRR that "
        "renewed: MAPE of the model alone and with the CSMs' calls."
    ),
)
def backtest_command(
    months: Annotated[int, typer.Option(min=1, max=24, help=N_("Months to replay"))] = 12,
) -> None:
    bars = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=console, transient=True)  # fmt: skip
    with session_scope() as session, bars:
        task = bars.add_task(t("Months replayed (a model trained for each)"), total=months)
        found = forecast_backtest(session, refresh_config(settings()), today_local(),
                                  months=months, tick=lambda: bars.advance(task))  # fmt: skip
    table = Table(title=t("Renewal forecast against what renewed"))
    for column in (t("Month"), t("Renewals"), t("Renewed"), t("Model"), t("Error"),
                   t("Calls"), t("With calls"), t("Error")):  # fmt: skip
        table.add_column(column, justify="left" if column == t("Month") else "right")

    def pct(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    for m in found.months:
        table.add_row(m.month, f"{m.renewals:,}", _money(m.renewed), _money(m.model),
                      pct(m.model_error), f"{m.calls:,}", _money(m.with_calls),
                      pct(m.calls_error))  # fmt: skip
    console.print(table)
    console.print(
        t("MAPE of renewed MRR per month: model alone {model}, with the CSMs' calls {calls}.",
          model=pct(found.model_mape), calls=pct(found.calls_mape)),
        highlight=False,
    )  # fmt: skip
