"""An account on a contract that started on a given day: what a plan counts its steps from."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kasasu.domain.choices import BillingInterval, LifecycleStage, SubscriptionStatus
from kasasu.models import Account, Subscription


def account_on_contract(
    session: Session, name: str, plan: str, start: date, owner_id: int | None = None
) -> int:
    account = Account(
        external_id=name,
        name=name,
        plan=plan,
        owner_id=owner_id,
        lifecycle_stage=LifecycleStage.ONBOARDING,
        custom_fields={},
    )
    session.add(account)
    session.flush()
    session.add(
        Subscription(
            external_id=f"{name}-1",
            account_id=account.id,
            product="Kasasu",
            plan=plan,
            amount=50_000,
            currency="JPY",
            billing_interval=BillingInterval.MONTH,
            start_date=start,
            status=SubscriptionStatus.ACTIVE,
        )
    )
    session.flush()
    return account.id
