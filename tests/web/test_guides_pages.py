"""In-app guides in the web: the editor's form builds the same definition as the API and
YAML (mistakes beside their field, nothing published half-done), adding and removing step
rows, publishing, the preview as a user (which condition keeps the guide from them), the
list with its reach, and the report."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.guides.schemas import EnvironmentCreate
from kasasu.guides.service import create_environment
from kasasu.models import Account
from tests.web.conftest import SignIn, csrf


def _form(web: TestClient, **fields: object) -> dict[str, object]:
    token = csrf(web.get("/guides/new").text)
    return {
        "csrf_token": token,
        "key": "tour",
        "name": "Tour",
        "kind": "walkthrough",
        "environment": "production",
        "step_selector": ["#a", ""],
        "step_title_ja": ["一つ目", ""],
        "step_title_en": ["First", "Second"],
        "step_body_ja": ["", ""],
        "step_body_en": ["**Bold** here", ""],
        "step_advance": ["click", "next"],
        "touch_models": ["tech"],
        "url": "/reports*",
        "max_shows": "2",
        **fields,
    }


def _setup(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        create_environment(s, EnvironmentCreate(name="production", origins=["https://a.jp"]))
        s.add(Account(external_id="ACC-1", name="青森精機", touch_model="tech", custom_fields={}))
        s.add(Account(external_id="ACC-2", name="弘前物産", touch_model="high", custom_fields={}))


def test_a_step_without_its_element_is_refused_beside_it_and_nothing_goes_live(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    _setup(sessions)
    answer = web.post("/guides?lang=en", data=_form(web, action="publish"))
    # Step 2 points at nothing: refused, and not even the draft is stored.
    assert answer.status_code == 422
    assert 'id="err-steps-1-selector"' in answer.text
    assert "Pick the element this step points at" in answer.text
    assert "The guide cannot be published yet" in answer.text
    assert 'value="First"' in answer.text  # what was typed stays
    assert web.get("/guides/tour?lang=en").status_code == 404
    saved = web.post("/guides?lang=en", data=_form(web, action="save"), follow_redirects=True)
    assert "Draft" in saved.text  # a draft may lack its elements


def test_save_publish_preview_list_and_report(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    _setup(sessions)
    published = web.post(
        "/guides?lang=en",
        data=_form(web, action="publish", step_selector=["#a", "#b"]),
        follow_redirects=True,
    )
    assert published.status_code == 200, published.text  # followed the redirect
    assert "Live, version 1" in published.text
    # Preview: a tech-touch account's user on a report page sees it; another page does not.
    shown = web.get("/guides/tour/preview?lang=en&account=ACC-1&user=u-1&url=/reports/a").text
    assert "This user sees it." in shown
    assert "<strong>Bold</strong> here" in shown
    other_page = web.get("/guides/tour/preview?lang=en&account=ACC-1&user=u-1&url=/home").text
    assert "Not on this page (its URL pattern)" in other_page
    high = web.get("/guides/tour/preview?lang=en&account=ACC-2&user=u-1&url=/reports").text
    assert "The account has another touch model" in high
    listed = web.get("/guides?lang=ja").text
    assert "公開中（バージョン 1）" in listed
    report = web.get("/guides/tour/report?lang=en").text
    assert "Completion by step" in report
    assert report.count('<tr><td class="num">') == 2  # a row per step


def test_step_rows_are_added_and_removed_without_saving(
    web: TestClient, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.CSM)
    _setup(sessions)
    added = web.post("/guides?lang=en", data=_form(web, action="add_step")).text
    assert 'id="step-2-selector"' in added
    removed = web.post("/guides?lang=en", data=_form(web, action="remove_0")).text
    assert 'id="step-1-selector"' not in removed
    assert 'value="Second"' in removed
    assert web.get("/guides?lang=en").text.count('/guides/tour"') == 0  # nothing saved
