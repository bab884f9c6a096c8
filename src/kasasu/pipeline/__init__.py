"""The sales pipeline before a customer is one: leads and deals (The Model funnel)."""
