"""The dashboard says how much MRR has no exchange rate, and its renewal tile totals every
currency by the one MRR rule."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.accounts.schemas import AccountCreate
from kasasu.accounts.service import accounts
from kasasu.domain.choices import BillingInterval, Role
from kasasu.subscriptions.schemas import SubscriptionCreate
from kasasu.subscriptions.service import subscriptions
from tests.web.conftest import SignIn


def test_a_dollar_line_without_a_rate_is_shown_not_dropped(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    renews = datetime.now(ZoneInfo("Asia/Tokyo")).date() + timedelta(days=30)
    with sessions() as s:
        for name, amount, currency in (("Yen", 120_000, "JPY"), ("Dollar", 120_000, "USD")):
            account = accounts.create(s, AccountCreate(external_id=name, name=name))
            line = SubscriptionCreate(
                account_id=account.id,
                product="Core",
                amount=amount,
                currency=currency,
                billing_interval=BillingInterval.YEAR,  # ¥10,000 and $100.00 a month
                start_date=date(2025, 1, 1),
                end_date=renews,
            )
            subscriptions.create(s, line)
        s.commit()
    page = web.get("/dashboard?lang=en").text
    assert "No exchange rate to JPY for part of the MRR: $100.00" in page
    # The renewal tile: ¥10,000 (the yen line), the dollar line apart, both lines counted.
    tile = page.split("Renewing in 90 days", 1)[1].split("</li>", 1)[0]
    assert "¥10,000" in tile
    assert "2 lines, 2 accounts" in tile
    assert "Without an exchange rate: $100.00" in tile
