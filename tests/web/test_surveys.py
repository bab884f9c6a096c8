"""Survey pages: the public answer page by personal link and by hosted page (no sign-in),
and the campaigns list with its create form."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.models import SurveyCampaign, SurveyInvitation
from kasasu.surveys.campaign_schemas import CampaignCreate
from kasasu.surveys.campaigns import create_campaign, send_campaign
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.links import sign_link
from kasasu.web.context import WebContext
from tests.surveys.conftest import World, committed_world, file_config, response_count
from tests.web.conftest import SignIn, csrf


@pytest.fixture
def config(tmp_path: Path) -> SurveyConfig:
    return file_config(tmp_path)


@pytest.fixture
def web_context(web_context: WebContext, config: SurveyConfig) -> WebContext:
    return replace(web_context, surveys=config)


@pytest.fixture
def world(sessions: sessionmaker[Session]) -> World:
    return committed_world(sessions)


def _links(
    sessions: sessionmaker[Session], config: SurveyConfig, **extra: object
) -> dict[str, str]:
    """Send campaign "web" to the segment now; the personal link of each email."""
    with sessions() as s:
        create_campaign(s, CampaignCreate(name="web", segment="all", **extra), config)  # type: ignore[arg-type]
        send_campaign(s, "web", config, datetime.now(UTC))
        rows = s.execute(select(SurveyInvitation, SurveyInvitation.contact_id)).all()
        from kasasu.models import Contact

        emails = dict(s.execute(select(Contact.id, Contact.email)).all())
        s.commit()
        return {emails[c]: sign_link(config.secret, inv) for inv, c in rows}


def test_the_personal_link_answers_once_in_the_invitations_language(
    web: TestClient, world: World, sessions: sessionmaker[Session], config: SurveyConfig
) -> None:
    link = _links(sessions, config)["hanako@mitsuba.jp"]
    page = web.get(f"/s/{link}")
    assert page.status_code == 200
    assert '<html lang="ja">' in page.text
    assert "当社のサービスを友人や同僚に薦める可能性" in page.text
    assert page.text.count('type="radio" name="score"') == 11
    english = web.get(f"/s/{link}?lang=en")
    assert "How likely are you to recommend us" in english.text

    form = {"csrf_token": csrf(page.text), "score": "8", "comment": "サポートが早い"}
    done = web.post(f"/s/{link}", data=form)
    assert done.status_code == 200
    assert "Thank you for your answer" in done.text  # the visitor chose English
    again = web.post(f"/s/{link}", data={**form, "score": "2"})
    assert again.status_code == 200
    assert "You have already answered this survey" in again.text
    assert response_count(sessions) == 1


def test_bad_answers_show_the_form_again_with_the_error(
    web: TestClient, world: World, sessions: sessionmaker[Session], config: SurveyConfig
) -> None:
    link = _links(sessions, config)["jane@acme.com"]
    token = csrf(web.get(f"/s/{link}").text)
    for form in ({"score": "11"}, {"score": "abc"}, {"score": "9", "comment": "x" * 2001}):
        page = web.post(f"/s/{link}", data={"csrf_token": token, **form})
        assert page.status_code == 422
        assert 'role="alert"' in page.text
        assert "The answer was not saved" in page.text
    assert response_count(sessions) == 0
    no_csrf = web.post(f"/s/{link}", data={"score": "9"})
    assert no_csrf.status_code == 403
    assert response_count(sessions) == 0


def test_expired_and_forged_links_get_a_clear_page(
    web: TestClient, world: World, sessions: sessionmaker[Session], config: SurveyConfig
) -> None:
    link = _links(sessions, config)["jane@acme.com"]
    with sessions() as s:
        for invitation in s.scalars(select(SurveyInvitation)):
            invitation.expires_at = datetime.now(UTC) - timedelta(seconds=1)
        s.commit()
    expired = web.get(f"/s/{link}")
    assert expired.status_code == 410
    assert "This survey has ended" in expired.text
    forged = web.get("/s/not-a-real-link", headers={"Accept-Language": "ja"})
    assert forged.status_code == 400
    assert "このアンケートのリンクは無効です" in forged.text
    token = csrf(web.get("/login").text)  # the session's token (these pages have no form)
    assert web.post(f"/s/{link}", data={"csrf_token": token, "score": "9"}).status_code == 410
    assert response_count(sessions) == 0


def test_the_hosted_page_sends_the_link_and_says_the_same_for_every_email(
    web: TestClient, world: World, sessions: sessionmaker[Session], config: SurveyConfig
) -> None:
    """Security review F8: the page answered "not among the people this survey asks" and
    stored an answer for any audience email; now every email gets the same page and only
    the person's own mailbox gets the link."""
    _links(sessions, config, channel_page=True)
    with sessions() as s:
        public_id = s.scalars(select(SurveyCampaign.public_id)).one()
    page = web.get(f"/s/c/{public_id}")
    assert page.status_code == 200
    assert 'name="email"' in page.text
    assert 'name="score"' not in page.text  # answers go through the personal link only
    outbox = config.mail.outbox
    before = set(outbox.glob("*.eml"))
    form = {"csrf_token": csrf(page.text), "score": "0"}
    unknown = web.post(f"/s/c/{public_id}", data={**form, "email": "nobody@example.com"})
    known = web.post(f"/s/c/{public_id}", data={**form, "email": "taro@yamada.jp"})
    assert unknown.status_code == known.status_code == 200
    assert unknown.text.replace("nobody@example.com", "E") == known.text.replace(
        "taro@yamada.jp", "E"
    )
    assert "Check your email" in known.text
    (mail,) = set(outbox.glob("*.eml")) - before
    assert "To: taro@yamada.jp" in mail.read_text()
    assert response_count(sessions) == 0
    assert web.get("/s/c/nope").status_code == 404
    bad = web.post(f"/s/c/{public_id}", data={**form, "email": "no address"})
    assert bad.status_code == 422
    assert "Enter your email address" in bad.text


def test_the_hosted_page_is_throttled_per_address(
    web: TestClient, world: World, sessions: sessionmaker[Session], config: SurveyConfig
) -> None:
    _links(sessions, config, channel_page=True)
    with sessions() as s:
        public_id = s.scalars(select(SurveyCampaign.public_id)).one()
    form = {"csrf_token": csrf(web.get(f"/s/c/{public_id}").text)}
    statuses = [
        web.post(f"/s/c/{public_id}", data={**form, "email": f"guess{n}@example.com"}).status_code
        for n in range(11)
    ]
    assert statuses == [200] * 10 + [429]
    refused = web.post(f"/s/c/{public_id}", data={**form, "email": "taro@yamada.jp"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 900
    assert web.get(f"/s/c/{public_id}").status_code == 200  # reading the page is not counted


def test_leaders_create_campaigns_and_see_results(
    web: TestClient, world: World, sign_in: SignIn, sessions: sessionmaker[Session]
) -> None:
    sign_in(Role.LEADER)
    page = web.get("/surveys")
    assert page.status_code == 200
    form = {"csrf_token": csrf(page.text), "name": "q3", "kind": "csat", "segment": "all"}
    created = web.post("/surveys", data=form)
    assert created.status_code == 303
    listed = web.get("/surveys").text
    assert "q3" in listed
    assert "CSAT" in listed
    bad = web.post("/surveys", data={**form, "name": "q4", "segment": "", "contacts": ""})
    assert bad.status_code == 422
    assert "Give either a segment or a list of contacts" in bad.text


def test_csms_see_campaigns_but_cannot_create(web: TestClient, sign_in: SignIn) -> None:
    sign_in(Role.CSM)
    page = web.get("/surveys")
    assert page.status_code == 200
    assert 'action="/surveys"' not in page.text
    form = {"csrf_token": csrf(page.text), "name": "q3", "segment": "all"}
    assert web.post("/surveys", data=form).status_code == 403


def test_a_campaigns_page_shows_nps_with_its_interval_and_the_key_terms(
    web: TestClient,
    world: World,
    sessions: sessionmaker[Session],
    config: SurveyConfig,
    sign_in: SignIn,
) -> None:
    import re

    links = _links(sessions, config)
    answers = {
        "hanako@mitsuba.jp": ("10", "画面がとても使いやすい"),
        "taro@yamada.jp": ("9", "使いやすいので毎日使っています"),
        "jane@acme.com": ("3", "サポートの対応が遅い"),
    }
    for email, (score, comment) in answers.items():
        page = web.get(f"/s/{links[email]}")
        form = {"csrf_token": csrf(page.text), "score": score, "comment": comment}
        assert web.post(f"/s/{links[email]}", data=form).status_code == 200
    sign_in(Role.LEADER)
    page = web.get("/surveys/web?lang=ja")
    assert page.status_code == 200
    # 2 promoters, 1 detractor of 3: NPS (2 − 1) ÷ 3 = 33.3; variance 10⁴ × (p + d − (p − d)²)
    # ÷ n = 10⁴ × (1 − 1/9) ÷ 3 = 2,963, so 33.3 ± 1.96 × 54.4 = 33.3 ± 106.7 → −73.4 … 100
    # (capped).
    assert re.search(r'id="answers">3<', page.text)
    assert re.search(r'id="nps">33\.3<', page.text)
    assert re.search(r'id="interval">[−-]73\.4 – 100<', page.text)
    detractors = page.text.split('id="terms-detractors"')[1].split("</table>")[0]
    promoters = page.text.split('id="terms-promoters"')[1].split("</table>")[0]
    assert "遅い" in detractors
    assert "サポート" in detractors
    assert "使いやすい" in promoters
    # … and the year's answers beside them (the same three here).
    assert 'id="overall-detractors"' in page.text
    assert web.get("/surveys?lang=en").text.count('href="/surveys/web"') == 1


@pytest.mark.parametrize(("role", "shows_key"), [(Role.LEADER, True), (Role.CSM, False)])
def test_a_widget_campaigns_page_shows_the_snippet_and_leaders_the_key(
    web: TestClient,
    world: World,
    sign_in: SignIn,
    sessions: sessionmaker[Session],
    config: SurveyConfig,
    role: Role,
    shows_key: bool,
) -> None:
    _links(sessions, config, channel_widget=True)
    with sessions() as s:
        public_id = s.scalars(select(SurveyCampaign.public_id)).one()
    sign_in(role)
    page = web.get("/surveys/web?lang=en")
    assert page.status_code == 200
    assert f'data-campaign="{public_id}"' in page.text.replace("&#34;", '"')
    key = hmac.new(config.secret.encode(), f"kasasu-widget:{public_id}".encode(), hashlib.sha256)
    assert (key.hexdigest() in page.text) is shows_key
