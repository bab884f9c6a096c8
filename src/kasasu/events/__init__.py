"""The append-only usage event store (DuckDB)."""
