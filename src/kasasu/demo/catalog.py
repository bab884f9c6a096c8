"""What the demo company sells, and to whom: products, plans, prices and company traits.

Prices are in JPY (no minor unit). A yearly contract costs twelve months less a discount,
as Japanese B2B SaaS vendors usually price annual prepayment.
"""

from __future__ import annotations

from dataclasses import dataclass

from kasasu.domain.choices import CancellationReason

CORE = "Kasasu Core"
ANALYTICS = "Analytics"
SUPPORT_PLUS = "Support Plus"
PLANS = ("Starter", "Pro", "Enterprise")
YEARLY_DISCOUNT = 0.85  # a yearly contract is 12 months at 85%


@dataclass(frozen=True)
class PlanPrice:
    monthly: int  # base price per month, JPY
    included_seats: int
    seat_price: int  # per extra seat per month
    seats: tuple[int, int]  # typical seat range when buying
    yearly_share: float  # how often this plan is bought yearly
    monthly_churn: float  # logo churn hazard per month
    plan_share: float  # share of new accounts


PRICES: dict[str, PlanPrice] = {
    "Starter": PlanPrice(30_000, 10, 2_500, (5, 20), 0.25, 0.03, 0.55),
    "Pro": PlanPrice(100_000, 30, 3_000, (20, 80), 0.55, 0.016, 0.35),
    "Enterprise": PlanPrice(500_000, 150, 2_500, (120, 400), 0.9, 0.007, 0.10),
}

# Add-on price per month by the account's core plan.
ADDON_PRICES: dict[str, dict[str, int]] = {
    ANALYTICS: {"Starter": 20_000, "Pro": 50_000, "Enterprise": 150_000},
    SUPPORT_PLUS: {"Starter": 10_000, "Pro": 30_000, "Enterprise": 80_000},
}


def core_monthly_price(plan: str, seats: int) -> int:
    price = PRICES[plan]
    return price.monthly + max(0, seats - price.included_seats) * price.seat_price


def interval_amount(monthly: int, *, yearly: bool) -> int:
    """The price per billing interval, rounded to ¥1,000 for yearly quotes."""
    if not yearly:
        return monthly
    return round(monthly * 12 * YEARLY_DISCOUNT / 1000) * 1000


# (name, weight): Japanese industry labels as CS teams use them.
INDUSTRIES = (
    ("製造業", 0.20),
    ("IT・通信", 0.18),
    ("小売", 0.12),
    ("金融", 0.08),
    ("医療", 0.07),
    ("教育", 0.06),
    ("不動産", 0.07),
    ("物流", 0.08),
    ("人材サービス", 0.07),
    ("建設", 0.07),
)

# (band, weight, which plans it tends to buy): larger companies buy larger plans.
EMPLOYEE_BANDS = (
    ("1-49", 0.30, (0.85, 0.15, 0.0)),
    ("50-299", 0.35, (0.6, 0.38, 0.02)),
    ("300-999", 0.20, (0.25, 0.6, 0.15)),
    ("1000-4999", 0.10, (0.05, 0.45, 0.5)),
    ("5000+", 0.05, (0.0, 0.2, 0.8)),
)
TIERS = {"1-49": "SMB", "50-299": "SMB", "300-999": "Mid-Market"}  # else Enterprise

# Company name parts: (kanji, kana, romaji) so that names, readings and domains agree.
COMPANY_WORDS = (
    ("情報", "ジョウホウ", "joho"),
    ("通信", "ツウシン", "tsushin"),
    ("運輸", "ウンユ", "unyu"),
    ("物産", "ブッサン", "bussan"),
    ("商事", "ショウジ", "shoji"),
    ("工業", "コウギョウ", "kogyo"),
    ("製作所", "セイサクショ", "seisakusho"),
    ("電機", "デンキ", "denki"),
    ("建設", "ケンセツ", "kensetsu"),
    ("不動産", "フドウサン", "fudosan"),
    ("食品", "ショクヒン", "shokuhin"),
    ("システム", "システム", "system"),
    ("ソリューションズ", "ソリューションズ", "solutions"),
    ("ホールディングス", "ホールディングス", "hd"),
    ("メディカル", "メディカル", "medical"),
    ("ロジスティクス", "ロジスティクス", "logistics"),
    ("テクノロジー", "テクノロジー", "tech"),
    ("産業", "サンギョウ", "sangyo"),
    ("精機", "セイキ", "seiki"),
    ("教育サービス", "キョウイクサービス", "edu"),
    ("商会", "ショウカイ", "shokai"),
    ("興業", "コウギョウ", "kogyo"),
    ("化成", "カセイ", "kasei"),
    ("工務店", "コウムテン", "komuten"),
    ("ネットワークス", "ネットワークス", "networks"),
    ("デザイン", "デザイン", "design"),
    ("ラボ", "ラボ", "lab"),
    ("フーズ", "フーズ", "foods"),
    ("エンジニアリング", "エンジニアリング", "engineering"),
    ("パートナーズ", "パートナーズ", "partners"),
)
# Place and brand words that Japanese company names start with, besides family names.
NAME_STEMS = (
    ("東京", "トウキョウ", "tokyo"),
    ("大阪", "オオサカ", "osaka"),
    ("横浜", "ヨコハマ", "yokohama"),
    ("名古屋", "ナゴヤ", "nagoya"),
    ("札幌", "サッポロ", "sapporo"),
    ("福岡", "フクオカ", "fukuoka"),
    ("京都", "キョウト", "kyoto"),
    ("神戸", "コウベ", "kobe"),
    ("仙台", "センダイ", "sendai"),
    ("広島", "ヒロシマ", "hiroshima"),
    ("北陸", "ホクリク", "hokuriku"),
    ("関西", "カンサイ", "kansai"),
    ("東海", "トウカイ", "tokai"),
    ("九州", "キュウシュウ", "kyushu"),
    ("北海道", "ホッカイドウ", "hokkaido"),
    ("湘南", "ショウナン", "shonan"),
    ("信州", "シンシュウ", "shinshu"),
    ("富士", "フジ", "fuji"),
    ("日本", "ニホン", "nihon"),
    ("中央", "チュウオウ", "chuo"),
    ("大和", "ヤマト", "yamato"),
    ("東洋", "トウヨウ", "toyo"),
    ("太平洋", "タイヘイヨウ", "taiheiyo"),
    ("青葉", "アオバ", "aoba"),
    ("明和", "メイワ", "meiwa"),
    ("三和", "サンワ", "sanwa"),
    ("旭", "アサヒ", "asahi"),
    ("ミライ", "ミライ", "mirai"),
    ("ネクスト", "ネクスト", "next"),
    ("サクラ", "サクラ", "sakura"),
    ("ヒカリ", "ヒカリ", "hikari"),
    ("アーク", "アーク", "arc"),
    ("グローバル", "グローバル", "global"),
    ("スマート", "スマート", "smart"),
    ("ブライト", "ブライト", "bright"),
)
LEGAL_FORMS = (("株式会社", 0.9), ("合同会社", 0.06), ("有限会社", 0.04))
DOMAIN_SUFFIXES = ("co.jp", "co.jp", "co.jp", "jp", "com")

CONTRACT_FORMS = ("直販", "代理店経由")
DEPARTMENTS = ("営業部", "カスタマーサポート部", "マーケティング部", "情報システム部", "経営企画部")
PURPOSES = ("顧客対応の効率化", "解約防止", "売上拡大", "業務の可視化")

# Why accounts leave, weighted per plan; small companies leave over price and difficulty,
# large ones over features, competitors and people moving on.
REASON_WEIGHTS: dict[str, dict[CancellationReason, float]] = {
    "Starter": {
        CancellationReason.PRICE: 0.28,
        CancellationReason.HARD_TO_USE: 0.22,
        CancellationReason.DOWNSIZING: 0.15,
        CancellationReason.MISSING_FEATURES: 0.10,
        CancellationReason.COMPETITOR: 0.10,
        CancellationReason.SUPPORT_QUALITY: 0.07,
        CancellationReason.CHAMPION_LEFT: 0.08,
    },
    "Pro": {
        CancellationReason.MISSING_FEATURES: 0.20,
        CancellationReason.COMPETITOR: 0.18,
        CancellationReason.PRICE: 0.16,
        CancellationReason.CHAMPION_LEFT: 0.14,
        CancellationReason.SUPPORT_QUALITY: 0.10,
        CancellationReason.HARD_TO_USE: 0.10,
        CancellationReason.DOWNSIZING: 0.12,
    },
    "Enterprise": {
        CancellationReason.COMPETITOR: 0.26,
        CancellationReason.MISSING_FEATURES: 0.24,
        CancellationReason.CHAMPION_LEFT: 0.20,
        CancellationReason.SUPPORT_QUALITY: 0.12,
        CancellationReason.DOWNSIZING: 0.10,
        CancellationReason.PRICE: 0.08,
    },
}

# Product usage events and how often a healthy / a declining account emits each.
EVENT_NAMES = (
    "login",
    "view_dashboard",
    "view_account",
    "export_report",
    "create_segment",
    "run_playbook",
    "send_survey",
    "import_data",
    "api_call",
    "invite_user",
)
EVENT_WEIGHTS_HEALTHY = (0.26, 0.22, 0.17, 0.07, 0.05, 0.06, 0.03, 0.03, 0.10, 0.01)
EVENT_WEIGHTS_DECLINING = (0.45, 0.25, 0.15, 0.06, 0.01, 0.01, 0.01, 0.02, 0.04, 0.0)
EVENT_PROPERTIES = (
    '{"device":"web","browser":"chrome"}',
    '{"device":"web","browser":"edge"}',
    '{"device":"web","browser":"safari"}',
    '{"device":"mobile","os":"ios"}',
    '{"device":"mobile","os":"android"}',
)

# The demo CSM team: (family name, given name).
CSMS = (
    ("佐々木", "美咲"),
    ("田中", "健太"),
    ("山本", "彩"),
    ("中村", "翔"),
    ("小林", "由佳"),
    ("加藤", "大輔"),
)
HIGH_TOUCH_CSMS = 2  # csm1, csm2 own the high-touch book; the rest share the others
