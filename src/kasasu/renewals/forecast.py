"""The renewal forecast (更新予測): for every contract term ending in a window, the MRR up
for renewal and the MRR expected to renew, MRR × odds × (1 + expected expansion).

The odds are the model's, 1 − the account's latest churn risk (an account without one takes
the share of MRR that renewed over the last year), unless a CSM's call stands on the renewal
(commit, likely, at risk, will churn). A call's odds are the team's track record: of the
renewals of the last year that had that call standing when their day came, the share that
renewed, with ``FORECAST_ODDS`` weighing as ``PRIOR_RENEWALS`` renewals more (so a call
nobody has made yet keeps its default, and a team whose "at risk" mostly renews learns it).
A renewal already recorded counts as what happened. The expected expansion is what renewals
brought over the last year: the net change of the MRR renewed (expanded − contracted) ÷ that
MRR before.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kasasu.domain.choices import FORECAST_ODDS, ForecastStatus, RenewalOutcome
from kasasu.domain.periods import Grain, add_months, periods
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.models import RenewalForecast as CallRow
from kasasu.prediction.service import latest_risks
from kasasu.prediction.value import latest_values
from kasasu.renewals.repository import ForecastRepository, RenewalBoardRepository
from kasasu.renewals.schemas import (
    CallOdds,
    ForecastCall,
    ForecastCallCreate,
    ForecastGroup,
    ForecastRow,
    RenewalForecast,
    RenewalQuery,
)
from kasasu.segments.service import current_members, list_segments
from kasasu.subscriptions.mrr import exchange_factors
from kasasu.users.service import user_names

HISTORY_DAYS = 365
PRIOR_RENEWALS = 5
UNOWNED = "-"


@dataclass(frozen=True)
class History:
    """What the renewals recorded over a year said: the share of the MRR up that renewed
    (None without any), the net expansion of the MRR renewed, and each call's record."""

    renewal_rate: float | None
    expansion: float
    calls: Mapping[ForecastStatus, CallOdds] = field(default_factory=dict)

    def odds(self, status: ForecastStatus) -> float:
        found = self.calls.get(status)
        return FORECAST_ODDS[status] if found is None else found.odds


def renewal_history(session: Session, fx: Mapping[str, float], day: date) -> History:
    """From the renewals recorded with a date in the year before ``day`` (and the calls
    standing on them when their day came)."""
    first, last = day - timedelta(days=HISTORY_DAYS), day - timedelta(days=1)
    repo = ForecastRepository(session)
    standing = repo.standing_at_renewal(first, last)
    up = kept = grown = 0
    track: dict[ForecastStatus, list[int]] = {s: [0, 0] for s in ForecastStatus}
    for line, renewed_on, outcome, old, new in repo.outcomes(first, last, fx):
        status = standing.get((line, renewed_on))
        if status is not None:
            track[status][0] += 1
            track[status][1] += outcome is not RenewalOutcome.CHURNED
        if old is None:
            continue  # no exchange rate: neither side of the ratio
        up += old
        if outcome is not RenewalOutcome.CHURNED:
            kept += old
            grown += old if new is None else new
    return History(
        renewal_rate=kept / up if up else None,
        expansion=(grown - kept) / kept if kept else 0.0,
        calls={
            s: CallOdds(
                status=s,
                calls=n,
                renewed=k,
                odds=(k + PRIOR_RENEWALS * FORECAST_ODDS[s]) / (n + PRIOR_RENEWALS),
            )
            for s, (n, k) in track.items()
        },
    )


def next_quarter(today: date) -> tuple[date, date]:
    """The first and last day of the calendar quarter after ``today``'s."""
    start = periods(today, today, Grain.QUARTER)[0].end
    return start, add_months(start, 3) - timedelta(days=1)


def renewal_forecast(
    session: Session,
    first: date,
    last: date,
    currency: str,
    today: date,
    *,
    page: int = 1,
    size: int = 50,
) -> RenewalForecast:
    """The forecast of every renewal dated ``first``–``last``; one page of its rows."""
    if last < first:
        raise InvalidInput(_("The period ends before it starts"))
    fx = exchange_factors(session, currency, today)
    found = RenewalBoardRepository(session).every(RenewalQuery(first=first, last=last), fx)
    risk_day, risks = latest_risks(session)
    valued = latest_values(session)
    at_risk = {a: v.at_risk for a, v in valued[1].items()} if valued else {}
    calls = ForecastRepository(session).calls(first, last)
    history = renewal_history(session, fx, today)
    setters = user_names(session, [c.set_by for c in calls.values() if c.set_by is not None])
    owners = user_names(session, [r.owner_id for r in found if r.owner_id is not None])
    rows = [
        forecast_row(
            r, risks.get(r.account_id), call_read(calls.get((r.subscription_id, r.day)), setters),
            history, owners, value_at_risk=at_risk.get(r.account_id),
        )
        for r in found
    ]  # fmt: skip
    in_segments = _segments_of(session)
    missing: dict[str, int] = defaultdict(int)
    for r, row in zip(found, rows, strict=True):
        if row.mrr is None:
            missing[r.currency] += int(r.own_mrr)
    return RenewalForecast(
        first=first,
        last=last,
        currency=currency,
        risk_day=risk_day,
        renewal_rate=history.renewal_rate,
        expansion=history.expansion,
        call_odds=list(history.calls.values()),
        total=_group("total", "", rows),
        months=_groups(rows, lambda r: [(f"{r.renewal_date:%Y-%m}", f"{r.renewal_date:%Y-%m}")]),
        quarters=_groups(rows, lambda r: [(_quarter(r.renewal_date),) * 2]),
        owners=_groups(rows, lambda r: [(str(r.owner_id or UNOWNED), r.owner_name or UNOWNED)]),
        segments=_groups(rows, lambda r: [(s, s) for s in in_segments.get(r.account_id, ())]),
        missing_rates=dict(missing),
        rows=rows[(page - 1) * size : page * size],
        page=page,
        size=size,
    )


def forecast_row(
    r: Any,
    risk: float | None,
    call: ForecastCall | None,
    history: History,
    owners: Mapping[int, str],
    *,
    value_at_risk: int | None = None,
) -> ForecastRow:
    """One renewal (a row of the renewal board's query) with its odds and expected MRR."""
    model_odds = (
        1.0 - risk
        if risk is not None
        else (history.renewal_rate if history.renewal_rate is not None else 1.0)
    )
    odds = history.odds(call.status) if call and call.status else model_odds
    growth = 1.0 + history.expansion
    if r.outcome is not None:  # what happened: no odds, no expansion to expect
        odds = model_odds = 0.0 if r.outcome is RenewalOutcome.CHURNED else 1.0
        growth = 1.0
    mrr = None if r.mrr is None else int(r.mrr)
    return ForecastRow(
        subscription_id=r.subscription_id,
        account_id=r.account_id,
        account_name=r.account_name,
        owner_id=r.owner_id,
        owner_name=owners.get(r.owner_id) if r.owner_id is not None else None,
        product=r.product,
        plan=r.plan,
        renewal_date=r.day,
        mrr=mrr,
        risk=risk,
        model_odds=model_odds,
        call=call,
        odds=odds,
        outcome=r.outcome,
        model_expected=round((mrr or 0) * model_odds * growth),
        expected=round((mrr or 0) * odds * growth),
        value_at_risk=value_at_risk,
    )


def set_call(session: Session, data: ForecastCallCreate, user_id: int | None) -> ForecastCall:
    """Record a CSM's call on a renewal (a new row: the history of calls is kept)."""
    repo = RenewalBoardRepository(session)
    known = repo.is_renewal(data.subscription_id, data.renewal_date)
    if known is None:
        raise NotFound(
            _("{noun} {id} does not exist", noun=_("Subscription"), id=data.subscription_id)
        )
    if not known:
        reason = _("Not a renewal date of this line")
        raise InvalidInput(reason, [FieldError(("body", "renewal_date"), reason, None)])
    row = ForecastRepository(session).add(
        {**data.model_dump(), "set_by": user_id, "set_at": datetime.now(UTC)}
    )
    names = user_names(session, [user_id] if user_id is not None else [])
    call = call_read(row, names)
    assert call is not None
    return call


def call_read(row: CallRow | None, names: Mapping[int, str]) -> ForecastCall | None:
    if row is None:
        return None
    return ForecastCall(
        status=ForecastStatus(row.status) if row.status else None,
        comment=row.comment,
        set_by=row.set_by,
        set_by_name=names.get(row.set_by) if row.set_by is not None else None,
        set_at=row.set_at,
    )


def _segments_of(session: Session) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for segment in list_segments(session):
        for account in current_members(session, segment.name):
            found[account].append(segment.name)
    return found


def _quarter(day: date) -> str:
    return periods(day, day, Grain.QUARTER)[0].label


def _groups(
    rows: list[ForecastRow], keys: Callable[[ForecastRow], Iterable[tuple[str, str]]]
) -> list[ForecastGroup]:
    members: dict[tuple[str, str], list[ForecastRow]] = defaultdict(list)
    for row in rows:
        for key in keys(row):
            members[key].append(row)
    ordered = sorted(members.items(), key=lambda item: (item[0][1], item[0][0]))  # by label
    return [_group(key, label, found) for (key, label), found in ordered]


def _group(key: str, label: str, rows: list[ForecastRow]) -> ForecastGroup:
    committed = [r for r in rows if r.call and r.call.status is ForecastStatus.COMMIT]
    return ForecastGroup(
        key=key,
        label=label,
        renewals=len(rows),
        mrr=sum(r.mrr or 0 for r in rows),
        model_expected=sum(r.model_expected for r in rows),
        expected=sum(r.expected for r in rows),
        called=sum(1 for r in rows if r.call and r.call.status),
        committed=sum(r.mrr or 0 for r in committed),
        value_at_risk=sum({r.account_id: r.value_at_risk or 0 for r in rows}.values()),
    )
