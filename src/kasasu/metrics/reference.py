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

**The Model funnel.** Marketing brings leads, inside sales qualifies them, field sales wins
them, customer success brings them to first value, keeps them and expands them; the
`funnel_*` KPIs measure that as one funnel. A period's **cohort** is the leads that came in
during it (`leads.created_at`). Each lead's stages are counted as reached before the
**observation day**: today (pages, API, `kasasu metrics`), so an old cohort keeps maturing;
a query that names no day observes on the day after its last period. A lead's **deals** are
those naming it, and its account's new-business deals naming no lead; its account is its
own, else its won deal's. **Qualified**: its `qualified_at`, or its first deal's opening,
whichever is first. **Won**: the close day of its first won deal. **Onboarded**: its account
did a first-value milestone (the one time to value reads) on or after the win. **Matured**:
won 12 months or more before the observation day; **retained**: matured, and its account has
MRR on the day 12 months after the win; **expanded**: retained, and that MRR is above its
MRR when it started paying (the later of the win and its first contract start), or it won an
expansion deal in those 12 months. Each conversion is a stage ÷ the stage before (retained ÷
matured); the days between stages are local calendar days. With accounts chosen (plan,
segment…), only the leads of those accounts count. The funnel page (`/funnel`, `GET
/api/v1/funnel`) shows the same by lead source and by segment, and each lead's path with its
days (`/api/v1/funnel/paths`).

**The Model ファネル.** マーケティングがリードを獲得し、インサイドセールスが商談化し、
フィールドセールスが受注し、カスタマーサクセスが初回価値実感に導き、継続・拡大させる流れを
一つのファネルとして `funnel_*` の指標で測ります。期間の**コホート**はその期間に獲得した
リード（`leads.created_at`）です。各段階は**観測日**より前に到達したものを数えます（画面・
API・`kasasu metrics` では今日なので、古いコホートも成熟し続けます。日を指定しない集計では
最後の期間の翌日）。
リードの**商談**はそのリードを指定した商談と、リードの指定がない顧客の新規商談です。顧客は
リード自身の顧客、なければ受注した商談の顧客です。**商談化**: `qualified_at` か最初の商談の
作成日の早い方。**受注**: 最初に受注した商談のクローズ日。**オンボーディング完了**: 受注日
以降に顧客が初回価値実感のマイルストーンを完了。**12か月経過**: 観測日の12か月以上前に受注。
**継続**: 12か月経過し、受注の12か月後の日に顧客にMRRがある。**拡大**: 継続し、そのMRRが
支払い開始時（受注日と最初の契約開始日の遅い方）のMRRを上回るか、その12か月間に拡大商談を
受注。転換率は前の段階に対する割合（継続は12か月経過に対する割合）、段階間の日数は集計
タイムゾーンの暦日です。顧客を絞り込んだ場合（プラン、セグメントなど）はその顧客のリード
だけを数えます。ファネル画面（`/funnel`、`GET /api/v1/funnel`）では同じ指標をリードソース別・
セグメント別に示し、各リードの経過と日付（`/api/v1/funnel/paths`）も見られます。
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
