"""Subscriptions (契約) and exchange rates."""
