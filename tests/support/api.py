"""What several API tests share."""

from __future__ import annotations

# The generic CRUD resources of /api/v1: list, create, read, update, delete each.
RESOURCES = [
    "/accounts",
    "/contacts",
    "/subscriptions",
    "/tickets",
    "/responses",
    "/activities",
    "/tasks",
    "/leads",
    "/deals",
]
