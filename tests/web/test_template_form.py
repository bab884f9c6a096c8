"""The onboarding template as a form: what the form shows posts back unchanged, a change is
a new version whose steps are what was typed, a mistake is shown under its box and saves
nothing, steps are removed and stages added by the form's buttons, a template started in the
form is listed, and either view opens what was typed in the other."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.onboarding.schemas import TemplateDefinition
from kasasu.onboarding.templates import get_template
from tests.web.conftest import SignIn, csrf

STANDARD = "/onboarding/templates/standard/form"


class _Form(HTMLParser):
    """What a browser would post from the template form: its boxes, selects (the option
    selected, else the first), ticked checkboxes and text areas; no button."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._inside = False
        self._select: str | None = None
        self._area: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._inside = "template-editor" in a.get("class", "")
        if not self._inside or ("name" not in a and tag != "option"):
            return
        if tag == "input" and a.get("type") == "checkbox":
            if "checked" in a:
                self.fields[a["name"]] = a.get("value", "on")
        elif tag == "input":
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select is not None:
            if self._select not in self.fields or "selected" in a:
                self.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._area = a["name"]
            self.fields[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._area = None
        elif tag == "form":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._area is not None:
            self.fields[self._area] += data


def _standard(web: TestClient) -> str:
    """The standard template's form (the shipped templates are installed by the list)."""
    assert web.get("/onboarding/templates").status_code == 200
    page = web.get(f"{STANDARD}?lang=en")
    assert page.status_code == 200
    return page.text


def form_of(page: str) -> dict[str, str]:
    found = _Form()
    found.feed(page)
    assert "csrf_token" in found.fields, "the page has no template form"
    return found.fields


def _template(sessions: sessionmaker[Session], name: str) -> tuple[int, TemplateDefinition]:
    with sessions() as s:
        read = get_template(s, name)
        return read.version, TemplateDefinition.model_validate(read.definition)


def test_the_form_posts_back_unchanged_and_a_change_is_a_version_of_what_was_typed(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    fields = form_of(_standard(web))
    assert fields["stage-0-step-1-key"] == "setup"
    assert fields["stage-0-step-1-side"] == "customer"
    assert fields["stage-1-step-1-first_value"] == "on"
    same = web.post(STANDARD, data={**fields, "action": "save"})
    assert (same.status_code, same.headers["location"]) == (303, STANDARD)
    assert _template(sessions, "standard")[0] == 1  # nothing changed: no new version

    changed = {
        **fields,
        "title_ja": "標準プラン",
        "title_en": "Standard plan",
        "stage-0-step-1-due_days": "25",
        "stage-0-step-1-title_en": "Set-up",
        "stage-0-step-1-link-0-title_ja": "設定ガイド",
        "stage-0-step-1-link-0-title_en": "Set-up guide",
        "stage-0-step-1-link-0-url": "https://help.example.com/setup",
        "stage-2-title_ja": "定着",
        "stage-2-title_en": "定着",  # the same in both: one text
        "stage-2-step-0-side": "customer",
        "action": "save",
    }
    saved = web.post(STANDARD, data=changed)
    assert saved.status_code == 303
    version, template = _template(sessions, "standard")
    assert version == 2
    assert template.model_dump(mode="json")["title"] == {"ja": "標準プラン", "en": "Standard plan"}
    dumped = template.model_dump(mode="json")
    assert [
        (stage["title"], [(s["key"], s["title"], s["side"], s["due_days"], s["first_value"])
                          for s in stage["steps"]])
        for stage in dumped["stages"]
    ] == [
        ({"ja": "導入準備", "en": "Getting started"}, [
            ("kickoff", {"ja": "キックオフ", "en": "Kick-off meeting"}, "cs", 7, False),
            ("setup", {"ja": "初期設定", "en": "Set-up"}, "customer", 25, False),
        ]),
        ({"ja": "立ち上げ", "en": "Launch"}, [
            ("data", {"ja": "データ連携", "en": "Connect their data"}, "customer", 35, False),
            ("first-value", {"ja": "初回価値実感", "en": "First value"}, "customer", 45, True),
        ]),
        ("定着", [("review", {"ja": "定着化レビュー", "en": "Adoption review"}, "customer", 90,
                   False)]),
    ]  # fmt: skip
    assert dumped["stages"][0]["steps"][1] == {
        "key": "setup",
        "title": {"ja": "初期設定", "en": "Set-up"},
        "side": "customer",
        "due_days": 25,
        "completion_event": "invite_user",
        "first_value": False,
        "links": [
            {
                "title": {"ja": "設定ガイド", "en": "Set-up guide"},
                "url": "https://help.example.com/setup",
            }
        ],
    }
    again = web.get(f"{STANDARD}?lang=en").text
    assert "version 2" in again
    assert form_of(again)["stage-0-step-1-link-0-url"] == "https://help.example.com/setup"


def test_a_due_day_out_of_range_is_shown_beside_its_box_and_nothing_is_saved(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    fields = form_of(_standard(web))
    for typed, reason in (("-3", "Must be 0 or more"), ("soon", "Must be a whole number")):
        posted = {**fields, "stage-1-step-0-due_days": typed, "action": "save"}
        refused = web.post(STANDARD, data=posted)
        assert refused.status_code == 422
        box = re.search(r'<input[^>]*id="f-stage-1-step-0-due_days"[^>]*>', refused.text)
        assert box is not None
        assert f'value="{typed}"' in box[0]  # what was typed stays, to be corrected
        assert 'aria-invalid="true"' in box[0]
        assert "autofocus" in box[0]  # the first mistake has the cursor
        error = re.search(
            r'<input[^>]*id="f-stage-1-step-0-due_days"[^>]*>\s*'
            r'<p class="field-error" id="f-stage-1-step-0-due_days-error">([^<]*)</p>',
            refused.text,
        )
        assert error is not None
        assert error[1] == reason
        assert refused.text.count('class="field-error"') == 1
    assert _template(sessions, "standard")[0] == 1


def test_a_javascript_link_is_refused_under_its_box(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.LEADER)
    fields = form_of(_standard(web))
    posted = {
        **fields,
        "stage-0-step-0-link-0-title_en": "Guide",
        "stage-0-step-0-link-0-url": "javascript:alert(1)",
        "action": "check",
    }
    refused = web.post(STANDARD, data=posted)
    assert refused.status_code == 422
    assert (
        '<p class="field-error" id="f-stage-0-step-0-link-0-url-error">'
        "Must be a web address beginning with http:// or https://</p>"
    ) in refused.text


def test_removing_a_step_and_adding_a_stage_with_the_form_s_buttons(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    fields = form_of(_standard(web))
    removed = web.post(STANDARD, data={**fields, "action": "remove-step-0-1"})
    assert removed.status_code == 200
    fields = form_of(removed.text)
    assert fields["stage-0-step-0-key"] == "kickoff"
    assert "stage-0-step-1-key" not in fields  # "setup" is gone; nothing saved yet
    assert _template(sessions, "standard")[0] == 1

    added = form_of(web.post(STANDARD, data={**fields, "action": "add-stage"}).text)
    assert added["stage-3-step-0-key"] == ""  # a new stage, with one empty step
    added |= {
        "stage-3-title_ja": "拡大",
        "stage-3-title_en": "Expansion",
        "stage-3-step-0-key": "upsell-review",
        "stage-3-step-0-title_ja": "拡大提案",
        "stage-3-step-0-title_en": "Expansion proposal",
        "stage-3-step-0-due_days": "180",
    }
    moved = form_of(web.post(STANDARD, data={**added, "action": "up-stage-3"}).text)
    assert moved["stage-2-step-0-key"] == "upsell-review"
    saved = web.post(STANDARD, data={**moved, "action": "save"})
    assert saved.status_code == 303
    version, template = _template(sessions, "standard")
    assert version == 2
    assert [(s.key, s.due_days) for _stage, s in template.steps()] == [
        ("kickoff", 7),
        ("data", 35),
        ("first-value", 45),
        ("upsell-review", 180),
        ("review", 90),
    ]


def test_a_template_started_in_the_form_is_listed(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.ADMIN)
    listed = web.get("/onboarding/templates?lang=en").text
    assert 'href="/onboarding/new-template"' in listed
    page = web.get("/onboarding/new-template?lang=en")
    assert page.status_code == 200
    assert "New onboarding template" in page.text
    fields = form_of(page.text) | {
        "name": "trial",
        "title_ja": "トライアル",
        "title_en": "Trial",
        "priority": "50",
        "applies_to-plan": "Trial",
        "stage-0-title_en": "Try it",
        "stage-0-step-0-key": "first-login",
        "stage-0-step-0-title_ja": "初回ログイン",
        "stage-0-step-0-side": "customer",
        "stage-0-step-0-due_days": "3",
        "stage-0-step-0-completion_event": "login",
        "stage-0-step-0-first_value": "on",
    }
    check = web.post("/onboarding/new-template", data={**fields, "action": "check"})
    assert "The template is valid. Nothing is saved yet." in check.text
    saved = web.post("/onboarding/new-template", data={**fields, "action": "save"})
    assert (saved.status_code, saved.headers["location"]) == (
        303,
        "/onboarding/templates/trial/form",
    )
    version, template = _template(sessions, "trial")
    assert version == 1
    assert template.model_dump(mode="json") == {
        "name": "trial",
        "title": {"ja": "トライアル", "en": "Trial"},
        "description": None,
        "applies_to": {"plan": "Trial"},
        "segment": None,
        "priority": 50,
        "stages": [
            {
                "title": "Try it",
                "steps": [
                    {
                        "key": "first-login",
                        "title": "初回ログイン",
                        "side": "customer",
                        "due_days": 3,
                        "completion_event": "login",
                        "first_value": True,
                        "links": [],
                    }
                ],
            }
        ],
    }
    listed = web.get("/onboarding/templates?lang=en").text
    assert '<a href="/onboarding/templates/trial">Trial</a>' in listed


def test_either_view_opens_what_was_typed_in_the_other(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.LEADER)
    page = web.get("/onboarding/templates?lang=en").text
    text = (
        "name: onboarding-lite\n"
        "title: Lite\n"
        "stages:\n"
        "  - title: {ja: 開始, en: Start}\n"
        "    steps:\n"
        "      - {key: call, title: Welcome call, due_days: 5, links: [{title: Video, "
        "url: 'https://example.com/v'}]}\n"
    )
    opened = web.post(
        "/onboarding/new-template", data={"csrf_token": csrf(page), "text": text, "action": "form"}
    )
    assert opened.status_code == 200
    fields = form_of(opened.text)
    assert fields["name"] == "onboarding-lite"
    assert (fields["stage-0-title_ja"], fields["stage-0-title_en"]) == ("開始", "Start")
    assert fields["stage-0-step-0-link-0-url"] == "https://example.com/v"
    fields["stage-0-step-0-due_days"] = "6"
    shown = web.post("/onboarding/new-template", data={**fields, "action": "yaml"})
    yaml_box = re.search(
        r'<textarea id="template-yaml"[^>]*>(.*?)</textarea>', shown.text, re.DOTALL
    )
    assert yaml_box is not None
    assert "due_days: 6" in html.unescape(yaml_box[1])
    assert "name: onboarding-lite" in html.unescape(yaml_box[1])
    bad = web.post(
        "/onboarding/new-template",
        data={"csrf_token": csrf(page), "text": "- just a list", "action": "form"},
    )
    assert bad.status_code == 422
    assert "A template is a mapping" in bad.text


def test_only_leaders_and_admins_post_the_form(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.CSM)
    page = _standard(web)
    assert 'value="save"' not in page  # no buttons: read only
    fields = form_of(page)
    assert web.post(STANDARD, data={**fields, "action": "save"}).status_code == 403
