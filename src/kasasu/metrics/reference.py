"""The KPI reference (docs/metrics.md), generated from the analytics registry.

Regenerate with ``.venv/bin/python -m kasasu.metrics.reference > docs/metrics.md``; a test
fails when the file and the registry disagree.
"""

from __future__ import annotations

from kasasu.analytics.catalog import all_metrics

HEADER = """# KPI reference (指標一覧)

Generated from `src/kasasu/analytics` by `python -m kasasu.metrics.reference`; do not edit by
hand. Every KPI is computed by `kasasu metrics NAME` (and explained, where it lists accounts,
by `kasasu metrics explain NAME --period YYYY-MM`). Units: `money` is an integer in the
minor unit of the reporting currency; `rate` is a fraction (shown as a percentage with one
decimal); periods are [start, end) in the reporting zone.
"""


def metrics_reference() -> str:
    parts = [HEADER]
    for metric in all_metrics():
        explain = "yes" if metric.explain is not None else "no"
        parts.append(
            f"\n## `{metric.name}` — {metric.title.render('en')} / {metric.title.render('ja')}\n\n"
            f"- unit: `{metric.unit.value}`; explain: {explain}\n"
            f"- {metric.definition.render('en')}\n"
            f"- {metric.definition.render('ja')}\n"
        )
    return "".join(parts)


if __name__ == "__main__":
    print(metrics_reference(), end="")
