"""Customer success KPIs: load the facts, evaluate the analytics registry, explain a figure."""
