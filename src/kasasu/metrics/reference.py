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
decimal).

**Contract dates and periods.** A contract line serves from its start date to its last day of
service, both inclusive: its cancellation date (解約日), else its end date (契約終了日 /
更新日) unless it renews by itself ("2026年3月31日付で解約" = paid through March 31). The MRR
of a month, quarter or fiscal year is the MRR on its **last day**, and its start MRR is the
MRR on the last day of the period before; "at the start" and "at the end" below mean those
two days. A line starting on April 1 is new in April (and in the fiscal year that starts
then); a line whose last day is March 31 is in March's MRR and churns in April. Timestamps
(answers, tickets, usage events) belong to the period whose days, in the reporting zone,
they fall in.

**契約日と期間.** 契約は開始日から最終利用日まで（両日を含む）有効です。最終利用日は解約日、
なければ契約終了日（更新日。自動更新で解約されていない契約は終了日を過ぎても続きます）です
（「2026年3月31日付で解約」＝3月31日まで利用・請求）。月・四半期・年度のMRRは**末日**のMRR、
期首MRRは前の期間の末日のMRRです。4月1日開始の契約は4月（とその年度）の新規、3月31日が
最終日の契約は3月のMRRに含まれ、4月の解約になります。回答・問い合わせ・利用イベントなどの
日時は、集計タイムゾーンでその日が属する期間に数えます。
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
