"""Recording what came of a renewal changes the contract the way it happened, without
rewriting its history (DESIGN.md §4): the MRR before the renewal date stays as it was."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from kasasu.domain.choices import RenewalOutcome, SubscriptionStatus
from kasasu.domain.periods import next_term_end
from kasasu.errors import FieldError, InvalidInput, NotFound
from kasasu.kit.i18n import _
from kasasu.models import Renewal, Subscription
from kasasu.subscriptions.repository import RenewalRepository, SubscriptionRepository
from kasasu.subscriptions.schemas import RenewalCreate, RenewalRead

RESIZED = (RenewalOutcome.EXPANDED, RenewalOutcome.CONTRACTED)


def account_renewals(session: Session, account_id: int, limit: int) -> list[RenewalRead]:
    """The account's renewal decisions (renewed, expanded, contracted, churned), newest
    first."""
    rows = RenewalRepository(session).of_account(account_id, limit)
    return [RenewalRead.model_validate(r) for r in rows]


def record_renewal(session: Session, data: RenewalCreate) -> RenewalRead:
    """Record (or change) the outcome of a line's renewal date, the last day of its term.

    - renewed: the line's term rolls forward (its end date moves to the next term's end);
    - expanded / contracted: the line ends on the renewal date and a new version with the new
      price (and seats) starts the day after, for one term;
    - churned: the renewal date becomes the line's last day of service, with the reason.
    Changing a recorded outcome first takes back what the earlier one did.
    """
    repo = SubscriptionRepository(session)
    line = repo.get(data.subscription_id)
    if line is None:
        raise NotFound(
            _("{noun} {id} does not exist", noun=_("Subscription"), id=data.subscription_id)
        )
    renewals = RenewalRepository(session)
    row = renewals.for_lines([(line.id, data.renewal_date)]).get((line.id, data.renewal_date))
    _check(line, data, recorded=row is not None)
    if row is None:
        row = Renewal(subscription_id=line.id, renewal_date=data.renewal_date)
        session.add(row)
    else:
        _take_back(repo, line, row)
    row.outcome, row.reason, row.comment = data.outcome, data.reason, data.comment
    row.decided_by, row.decided_at = data.decided_by, datetime.now(UTC)
    row.new_subscription_id = None
    term = line.billing_interval.term(line.term_months)
    if data.outcome is RenewalOutcome.RENEWED:
        line.end_date = next_term_end(data.renewal_date, term)
    elif data.outcome is RenewalOutcome.CHURNED:
        line.status, line.cancelled_on, line.auto_renew = (
            SubscriptionStatus.CANCELLED,
            data.renewal_date,
            False,
        )
        line.cancel_reason, line.cancel_comment = data.reason, data.comment
    else:
        row.new_subscription_id = _new_version(session, line, data, term).id
    session.flush()
    return RenewalRead.model_validate(row)


def _check(line: Subscription, data: RenewalCreate, *, recorded: bool) -> None:
    """A renewal date is the end of the line's current term, or one already recorded."""
    errors = []
    if not recorded and data.renewal_date != line.end_date:
        errors.append(
            FieldError(("body", "renewal_date"), _("Not a renewal date of this line"), None)
        )
    if data.outcome is RenewalOutcome.CHURNED and data.reason is None:
        errors.append(FieldError(("body", "reason"), _("A churn needs its reason"), None))
    if data.outcome in RESIZED:
        grows = data.outcome is RenewalOutcome.EXPANDED
        if data.amount is None:
            errors.append(FieldError(("body", "amount"), _("Give the new price"), None))
        elif (data.amount > line.amount) != grows or data.amount == line.amount:
            message = (
                _("An expansion needs a higher price than {amount}", amount=line.amount)
                if grows
                else _("A contraction needs a lower price than {amount}", amount=line.amount)
            )
            errors.append(FieldError(("body", "amount"), message, data.amount))
    if errors:
        raise InvalidInput(_("The renewal cannot be recorded"), errors)


def _new_version(
    session: Session, line: Subscription, data: RenewalCreate, term: int
) -> Subscription:
    line.status, line.auto_renew, line.end_date = SubscriptionStatus.ENDED, False, data.renewal_date
    start = data.renewal_date + timedelta(days=1)
    version = Subscription(
        # The column holds 200 characters: keep the date, shorten a very long id.
        external_id=f"{line.external_id[:185]}@{start.isoformat()}",
        account_id=line.account_id,
        product=line.product,
        plan=line.plan,
        seats=data.seats if data.seats is not None else line.seats,
        amount=data.amount,
        currency=line.currency,
        billing_interval=line.billing_interval,
        term_months=line.term_months,
        start_date=start,
        end_date=next_term_end(data.renewal_date, term),
        auto_renew=True,
        status=SubscriptionStatus.ACTIVE,
    )
    session.add(version)
    session.flush()
    return version


def _take_back(repo: SubscriptionRepository, line: Subscription, row: Renewal) -> None:
    """Undo what ``row``'s outcome did to ``line``, so the new outcome starts from the term
    as it was on the renewal date."""
    day = row.renewal_date
    line.end_date = day
    if row.outcome is RenewalOutcome.CHURNED or row.outcome in RESIZED:
        line.status, line.auto_renew = SubscriptionStatus.ACTIVE, True
    if row.outcome is RenewalOutcome.CHURNED:
        line.cancelled_on, line.cancel_reason, line.cancel_comment = None, None, None
    if row.new_subscription_id is not None:
        version = repo.get(row.new_subscription_id)
        if version is not None:
            repo.session.delete(version)
            # Now, not at commit: a new version for the same day takes the same external id.
            repo.session.flush()
