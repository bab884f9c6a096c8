"""Playbooks in the web: the list, one playbook (YAML and latest runs), the execution log,
runs on the account page, the YAML form (leaders and admins) and the default library;
data of tests/web/playbook_data.py."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.playbooks.execution import claim_plan
from kasasu.playbooks.planning import plan_day
from kasasu.playbooks.service import list_playbooks, save_playbook, validate_playbook
from tests.playbooks.world import DAY
from tests.support.queries import counted
from tests.web.conftest import SignIn, csrf
from tests.web.playbook_data import CONFIG, add_playbook_runs
from tests.web.tables import table_rows

RED_RUN = [
    "June 10, 2026",
    "P1 株式会社",
    "Health band yellow → red",
    (
        "done task “Call P1 株式会社” due 2026-06-12 "
        "failed POST http://127.0.0.1:9/hook (json) · 3 tries · HTTP 503"
    ),
]
QUIET_RUN = [
    "June 10, 2026",
    "P3 株式会社",
    "No use for 20 days",
    "skipped No recipient with an email address",
]
GOOD = """\
- name: renewal-45
  title: {ja: 更新45日前, en: Renewal in 45 days}
  trigger: {type: renewal_due, days: 45}
  when: 'mrr >= 100000'
  cooldown_days: 0
  actions:
    - {type: task, title: "Renewal: {{ account.name }}"}
    - {type: enrol_survey, kind: nps}
"""
BAD = GOOD.replace("renewal_due", "renewal_soon").replace("account.name", "acount.name")


def _runs(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as s:
        ids = add_playbook_runs(s)
        s.commit()
    return ids


def _playbook_names(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as s:
        return [p.name for p in list_playbooks(s)]


def test_the_list_in_english_and_japanese(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    _runs(sessions)
    en = web.get("/playbooks?lang=en").text
    assert "<h1>Playbooks</h1>" in en
    # Automation holds playbooks and in-app guides: the section is current, the page too.
    assert '<a href="/playbooks" aria-current="true">Automation</a>' in en
    assert '<a href="/playbooks" aria-current="page">Playbooks</a>' in en
    assert table_rows(en) == [
        ["Quiet accounts", "quiet", "No use for 14 days", "—", "30", "Email", "no", "1"],
        [
            "Account turned red",
            "red-alert",
            "Health turns red",
            'plan == "Pro"',
            "14",
            "Task, Webhook",
            "yes",
            "1",
        ],
    ]
    assert 'href="/playbooks/red-alert"' in en
    assert 'href="/playbooks/log?playbook=red-alert"' in en
    assert 'action="/playbooks' not in en  # a viewer gets no form
    ja = web.get("/playbooks?lang=ja").text
    assert "<h1>プレイブック</h1>" in ja
    assert table_rows(ja) == [
        ["Quiet accounts", "quiet", "14 日間利用なし", "—", "30", "メール", "いいえ", "1"],
        [
            "赤になった顧客",
            "red-alert",
            "ヘルススコアが赤に変わったとき",
            'plan == "Pro"',
            "14",
            "タスク, Webhook",
            "はい",
            "1",
        ],
    ]


def test_one_playbook_its_definition_and_latest_runs(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    ids = _runs(sessions)
    en = web.get("/playbooks/red-alert?lang=en").text
    assert "<h1>Account turned red</h1>" in en
    assert "<p>Call when it turns red.</p>" in en
    assert "<dt>Trigger</dt><dd>Health turns red</dd>" in en
    assert table_rows(en) == [RED_RUN]
    assert f'<a href="/accounts/{ids["P1"]}">P1 株式会社</a>' in en
    assert '<span class="pill status-failed">failed</span>' in en
    assert '<span class="pill status-done">done</span>' in en
    # The definition as YAML, unicode as written.
    assert "- name: red-alert\n  title:\n    ja: 赤になった顧客\n    en: Account turned red\n" in en
    assert "  when: plan == &#34;Pro&#34;\n  cooldown_days: 14\n" in en
    ja = web.get("/playbooks/red-alert?lang=ja").text
    assert "<h1>赤になった顧客</h1>" in ja
    assert "<p>赤になったら連絡する。</p>" in ja
    assert "<dt>クールダウン（日）</dt><dd>14</dd>" in ja
    assert table_rows(ja)[0][0] == "2026年6月10日"
    assert '<span class="pill status-failed">失敗</span>' in ja
    assert "3 回試行" in ja
    quiet = web.get("/playbooks/quiet?lang=en").text
    assert table_rows(quiet) == [QUIET_RUN]
    assert '<span class="pill status-skipped">skipped</span>' in quiet
    assert web.get("/playbooks/nope").status_code == 404


def test_the_log_filters_by_playbook_and_status(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    _runs(sessions)
    everything = web.get("/playbooks/log?lang=en").text
    assert "<h1>Execution log</h1>" in everything
    assert table_rows(everything) == [
        [RED_RUN[0], "red-alert", *RED_RUN[1:]],
        [QUIET_RUN[0], "quiet", *QUIET_RUN[1:]],
    ]
    assert '<option value="red-alert">Account turned red (red-alert)</option>' in everything
    failed = web.get("/playbooks/log?status=failed&lang=en").text
    assert [row[1] for row in table_rows(failed)] == ["red-alert"]
    assert '<option value="failed" selected>failed</option>' in failed
    skipped = web.get("/playbooks/log?status=skipped").text
    assert [row[1] for row in table_rows(skipped)] == ["quiet"]
    assert table_rows(web.get("/playbooks/log?status=running").text) == [["No run yet."]]
    assert [row[1] for row in table_rows(web.get("/playbooks/log?playbook=quiet").text)] == [
        "quiet"
    ]
    # An unknown status is no filter.
    assert len(table_rows(web.get("/playbooks/log?status=lost").text)) == 2
    ja = web.get("/playbooks/log?status=failed&lang=ja").text
    assert "<h1>実行ログ</h1>" in ja
    assert '<option value="failed" selected>失敗</option>' in ja


def test_the_account_page_lists_its_playbook_runs(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    ids = _runs(sessions)
    en = web.get(f"/accounts/{ids['P1']}?lang=en").text
    runs = en[en.index('id="playbook-runs"') :]
    assert "Playbook runs</h2>" in runs
    assert '<a href="/playbooks/red-alert">red-alert</a> · Health band yellow → red' in runs
    assert '<span class="pill status-failed">failed</span> POST http://127.0.0.1:9/hook' in runs
    assert "HTTP 503" in runs
    assert "quiet" not in runs
    ja = web.get(f"/accounts/{ids['P2']}?lang=ja").text
    assert "プレイブックの実行</h2>" in ja
    assert "この顧客企業ではまだプレイブックが実行されていません。" in ja


def test_an_empty_list_explains_the_library_and_leaders_install_it(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.VIEWER)
    page = web.get("/playbooks?lang=en").text
    assert "No playbook yet" in page
    assert "installed at the first &#39;kasasu playbooks run&#39;" in page
    assert 'action="/playbooks/library"' not in page
    assert _playbook_names(sessions) == []  # reading the page wrote nothing
    web.post("/logout", data={"csrf_token": csrf(page)})
    sign_in(Role.LEADER)
    page = web.get("/playbooks?lang=ja").text
    assert "標準ライブラリを今すぐインストール" in page
    r = web.post("/playbooks/library", data={"csrf_token": csrf(page)})
    assert (r.status_code, r.headers["location"]) == (303, "/playbooks")
    names = _playbook_names(sessions)
    assert len(names) == 11
    assert "renewal-90" in names
    rows = table_rows(web.get("/playbooks?lang=en").text)
    renewal = rows[names.index("renewal-90")]
    assert renewal[:3] == ["Renewal in 90 days", "renewal-90", "Renewal in 90 days"]
    digest = rows[names.index("tech-touch-digest")]
    assert digest[2:5] == ["Every month on day 1", 'touch_model == "tech"', "0"]
    # A second press installs nothing more.
    web.post("/playbooks/library", data={"csrf_token": csrf(page)})
    assert len(_playbook_names(sessions)) == 11


def test_leaders_preview_then_save_pasted_yaml(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    _runs(sessions)
    token = csrf(web.get("/playbooks").text)
    two = GOOD + GOOD.replace("renewal-45", "red-alert")
    r = web.post("/playbooks?lang=en", data={"csrf_token": token, "text": two})
    assert r.status_code == 200
    assert "The YAML is valid: 2 playbooks. Nothing is saved yet." in r.text
    preview = table_rows(r.text)[2:]  # after the two stored playbooks
    assert preview == [
        [
            "Renewal in 45 days",
            "renewal-45",
            "Renewal in 45 days",
            "mrr >= 100000",
            "Task, Survey invitation",
            "new",
        ],
        [
            "Renewal in 45 days",
            "red-alert",
            "Renewal in 45 days",
            "mrr >= 100000",
            "Task, Survey invitation",
            "replaces the stored one",
        ],
    ]
    assert "- name: renewal-45" in r.text  # the text stays in the form
    assert "renewal-45" not in _playbook_names(sessions)  # a preview saves nothing
    ja = web.post("/playbooks?lang=ja", data={"csrf_token": token, "text": two}).text
    assert "YAML は正しい形式です（プレイブック 2 件）。まだ保存されていません。" in ja
    assert "保存済みのものを置き換え" in ja
    one = web.post("/playbooks", data={"csrf_token": token, "text": GOOD, "action": "save"})
    assert (one.status_code, one.headers["location"]) == (303, "/playbooks/renewal-45")
    page = web.get("/playbooks/renewal-45?lang=en").text
    assert "<h1>Renewal in 45 days</h1>" in page
    assert table_rows(page) == [["No run yet."]]
    both = web.post("/playbooks", data={"csrf_token": token, "text": two, "action": "save"})
    assert (both.status_code, both.headers["location"]) == (303, "/playbooks")
    assert _playbook_names(sessions) == ["quiet", "red-alert", "renewal-45"]
    replaced = table_rows(web.get("/playbooks?lang=en").text)[1]
    assert replaced[:3] == ["Renewal in 45 days", "red-alert", "Renewal in 45 days"]
    assert replaced[-1] == "1"  # its runs stay


def test_the_yaml_a_playbook_page_shows_can_be_pasted_back(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.ADMIN)
    token = csrf(web.get("/playbooks").text)
    web.post("/playbooks/library", data={"csrf_token": token})
    for name in ("tech-touch-digest", "red-account"):
        page = web.get(f"/playbooks/{name}").text
        start = page.index('<pre class="code"><code>') + len('<pre class="code"><code>')
        text = page[start : page.index("</code></pre>")]
        again = web.post("/playbooks", data={"csrf_token": token, "text": html.unescape(text)})
        assert "The YAML is valid: 1 playbooks" in again.text, name


def test_yaml_mistakes_are_shown_with_their_line_and_field(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.ADMIN)
    token = csrf(web.get("/playbooks").text)
    r = web.post("/playbooks?lang=en", data={"csrf_token": token, "text": BAD, "action": "save"})
    assert r.status_code == 422
    assert "<strong>Line 3</strong> <code>trigger</code>: Unknown type renewal_soon" in r.text
    assert "type: renewal_soon" in r.text  # kept in the form
    assert _playbook_names(sessions) == []
    fixed = BAD.replace("renewal_soon", "renewal_due")
    r = web.post("/playbooks?lang=ja", data={"csrf_token": token, "text": fixed})
    assert r.status_code == 422
    assert (
        "<strong>7 行目</strong> <code>actions.0.title</code>: "
        "テンプレートのエラー: &#39;acount&#39; is undefined" in r.text
    )
    broken = web.post("/playbooks?lang=en", data={"csrf_token": token, "text": "- name: [x\n"})
    assert broken.status_code == 422
    assert "playbooks.yaml:2:1: not valid YAML" in broken.text
    loose = web.post("/playbooks?lang=en", data={"csrf_token": token, "text": "just: text"})
    assert (loose.status_code, "playbooks.yaml: write a list of playbooks" in loose.text) == (
        422,
        True,
    )
    assert _playbook_names(sessions) == []


def test_viewers_and_csms_cannot_store_playbooks_and_forms_need_the_token(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    page = web.get("/playbooks").text
    assert 'action="/playbooks#playbook-form"' not in page
    form = {"csrf_token": csrf(page), "text": GOOD, "action": "save"}
    assert web.post("/playbooks", data=form).status_code == 403
    assert web.post("/playbooks/library", data={"csrf_token": csrf(page)}).status_code == 403
    web.post("/logout", data={"csrf_token": csrf(page)})
    sign_in(Role.VIEWER)
    token = csrf(web.get("/playbooks").text)
    assert web.post("/playbooks", data=form | {"csrf_token": token}).status_code == 403
    web.post("/logout", data={"csrf_token": token})
    sign_in(Role.ADMIN)
    assert web.post("/playbooks", data=form | {"csrf_token": "forged"}).status_code == 403
    assert web.post("/playbooks", data={"text": GOOD, "action": "save"}).status_code == 403
    assert web.post("/playbooks/library", data={}).status_code == 403
    assert _playbook_names(sessions) == []


def test_playbook_pages_cost_the_same_for_few_or_many_rows(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session], connection: Connection
) -> None:
    sign_in(Role.ADMIN)
    ids = _runs(sessions)
    paths = [
        "/playbooks",
        "/playbooks/red-alert",
        "/playbooks/log",
        "/playbooks/log?status=done",
        f"/accounts/{ids['P1']}",
    ]

    def queries(path: str) -> int:
        web.get(path)  # warm
        with counted(connection) as statements:
            assert web.get(path).status_code == 200
        return len(statements)

    few = [queries(p) for p in paths]
    with sessions() as s:
        for n in range(12):
            every_day = {
                "name": f"daily-{n}",
                "title": {"ja": f"毎日 {n}", "en": f"Daily {n}"},
                "trigger": {"type": "schedule", "every": "day"},
                "actions": [
                    {"type": "task", "title": "x"},
                    {"type": "set_field", "field": "tier", "value": "A"},
                ],
            }
            save_playbook(s, validate_playbook(every_day))
        claimed = claim_plan(s, plan_day(s, DAY, CONFIG), "en")
        assert len(claimed) == 36  # 12 playbooks × the 3 paying accounts
        s.commit()
    assert [queries(p) for p in paths] == few
