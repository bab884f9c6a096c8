"""The analytics runtime: the facts copy and the DuckDB, PostgreSQL and Spark engines."""
