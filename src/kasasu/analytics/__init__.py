"""Every KPI and per-account feature as an Ibis expression (see DESIGN.md §4)."""
