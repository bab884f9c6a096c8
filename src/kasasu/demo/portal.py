"""The customer portal's announcements in the demo: news for every customer and for the
enterprise segment, in Japanese and English, one already over, so the portal and its
staff page show real content. Every demo contact with an email can sign in to the portal."""

from __future__ import annotations

from datetime import timedelta

from kasasu.demo.shapes import Row
from kasasu.demo.timeline import Calendar

_HOURS_JA = (
    "来月から、平日 **9時〜20時** にお問い合わせを承ります。\n\n"
    "- 緊急の障害は **ステータスページ** でお知らせします\n"
    "- チャットでのご相談も同じ時間帯です"
)
_HOURS_EN = (
    "From next month we answer on weekdays from **9:00 to 20:00** (JST).\n\n"
    "- Outages are posted on the **status page**\n"
    "- Chat follows the same hours"
)
_SSO = (
    "Enterprise plans can now sign in with SAML. "
    "エンタープライズプランのお客様は、管理画面の **セキュリティ** から設定できます。"
)
_REPORT = (
    "| 項目 / Item | 内容 / Content |\n|---|---|\n"
    "| 配信 / Sent | 毎週月曜 / Mondays |\n| 宛先 / To | 管理者 / Admins |"
)
# (days before the demo's last day it was published, days it stays up or None, segment,
# language or None for both, title, Markdown body)
_NEWS = (
    (2, None, None, "ja", "サポート窓口の受付時間を延長します", _HOURS_JA),
    (2, None, None, "en", "Longer support hours", _HOURS_EN),
    (9, None, "enterprise", None, "SAML single sign-on / SAML シングルサインオン", _SSO),
    (21, None, None, None, "Weekly usage report / 週次利用レポート", _REPORT),
    (60, 14, None, None, "Maintenance (finished) / メンテナンス（終了）", "Done. 終了。"),
)


def announcement_rows(cal: Calendar, first_id: int) -> list[Row]:
    last = cal.as_of - timedelta(days=1)
    rows = []
    for n, (ago, days, segment, locale, title, body) in enumerate(_NEWS):
        published = cal.instant(last - timedelta(days=ago), 10.0)
        rows.append(
            {
                "id": first_id + n,
                "title": title,
                "body": body,
                "segment": segment,
                "locale": locale,
                "published_at": published,
                "expires_at": published + timedelta(days=days) if days is not None else None,
                "created_by": None,
                "created_at": published,
                "updated_at": published,
            }
        )
    return rows
