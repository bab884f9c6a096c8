"""The warehouse export: every table and the usage events as Parquet (docs/warehouse.md)."""
