"""Accounts (顧客企業): the customer organisations everything else hangs off."""
