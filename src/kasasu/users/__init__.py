"""Kasasu's own users, their roles, and API keys."""
