"""Survey journeys in a real browser on `kasasu serve`: answering the personal link of an
invitation email in Japanese, and the in-app widget on a page of another local origin (the
customer's product) posting an answer across origins."""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from benchmarks.serving import free_port, served
from playwright.sync_api import Page, expect
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from tests.support.cli import data_env, invoke_kasasu, kasasu
from tests.surveys.conftest import build_world
from tests.web.browser.conftest import Screenshot

# One worker runs them all, so the demo company is built and served once (--dist loadgroup).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # a browser, a demo

CAMPAIGN = "browser-nps"
WIDGET_SECRET = "browser-widget-secret-of-thirty-two-chars"


def _signed(public_id: str, contact: str) -> str:
    """What the product's backend computes for the widget (docs/surveys-widget.md)."""
    key = hmac.new(WIDGET_SECRET.encode(), f"kasasu-widget:{public_id}".encode(), hashlib.sha256)
    return hmac.new(key.hexdigest().encode(), contact.encode(), hashlib.sha256).hexdigest()


class Site:
    """The customer's product: a page on its own origin that includes the widget."""

    def __init__(self, kasasu_url: str) -> None:
        self.kasasu_url, self.public_id = kasasu_url, ""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = (
                    "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                    "<title>Product</title></head><body><h1>The product</h1>"
                    f"<script src='{site.kasasu_url}/api/v1/widget.js' "
                    f"data-campaign='{site.public_id}' data-contact='jane@acme.com' "
                    f"data-signature='{_signed(site.public_id, 'jane@acme.com')}' "
                    "data-lang='en'></script></body></html>"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"


@pytest.fixture(scope="module")
def survey_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Site]]:
    data = tmp_path_factory.mktemp("surveys") / "kasasu-data"
    assert kasasu(data, "init").returncode == 0
    engine = create_engine(f"sqlite:///{data}/kasasu.db")
    with Session(engine) as s:
        build_world(s)
        s.commit()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    site = Site(base_url)
    threading.Thread(target=site.http.serve_forever, daemon=True).start()
    env = data_env(
        data,
        KASASU_DEV_MODE="true",
        KASASU_REFRESH__SCHEDULED="false",
        KASASU_LOCALE="en",
        KASASU_PLAYBOOKS__BASE_URL=base_url,
        KASASU_SURVEYS__WIDGET_ORIGINS=site.url,
        KASASU_SURVEYS__WIDGET_SECRET=WIDGET_SECRET,
    )
    for args in (
        ("surveys", "create", CAMPAIGN, "--segment", "all", "--widget"),
        ("surveys", "send", CAMPAIGN),
    ):
        done = invoke_kasasu(env, *args)
        assert done.returncode == 0, done.stderr
    with engine.connect() as connection:
        site.public_id = connection.scalar(text("select public_id from survey_campaigns"))
    engine.dispose()
    try:
        with served(env, port=port, log=data.parent / "serve.log", stop_seconds=15):
            yield base_url, data, site
    finally:
        site.http.shutdown()
        site.http.server_close()


@pytest.fixture
def server(survey_site: tuple[str, Path, Site]) -> str:
    """The browser context's base URL: this module's own Kasasu."""
    return survey_site[0]


def _answers(data: Path) -> list[tuple[int, str | None, str | None]]:
    engine = create_engine(f"sqlite:///{data}/kasasu.db")
    with engine.connect() as connection:
        rows = connection.execute(
            text("select score, comment, campaign from survey_responses order by id")
        ).all()
    engine.dispose()
    return [(int(r[0]), r[1], r[2]) for r in rows]


def _personal_link(data: Path, email: str) -> str:
    for path in sorted((data / "outbox").glob("survey-*-invitation.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        if message["To"] == email:
            body = message.get_content()
            return next(w for w in body.split() if "/s/" in w)
    raise AssertionError(f"no invitation to {email}")


def test_answering_the_emailed_link_in_japanese(
    page: Page, survey_site: tuple[str, Path, Site], screenshot: Screenshot
) -> None:
    _base, data, _site = survey_site
    link = _personal_link(data, "hanako@mitsuba.jp")  # 三葉商事: locale ja
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "当社のサービスを友人や同僚に薦める可能性はどのくらいありますか？"
    )
    page.get_by_label("9", exact=True).check()
    page.get_by_label("その点数をつけたいちばんの理由を教えてください。").fill(
        "サポートがとても丁寧です"
    )
    screenshot("form")
    page.get_by_role("button", name="回答を送信").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ご回答ありがとうございました")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "このアンケートにはすでにご回答いただいています"
    )
    assert (9, "サポートがとても丁寧です", CAMPAIGN) in _answers(data)


def test_the_widget_on_another_origin_posts_an_answer(
    page: Page, survey_site: tuple[str, Path, Site], screenshot: Screenshot
) -> None:
    _base, data, site = survey_site
    page.goto(site.url)
    widget = page.locator("form.kasasu-survey")
    expect(widget).to_contain_text("How likely are you to recommend us")
    widget.get_by_label("10", exact=True).check()
    widget.get_by_role("textbox").fill("Great onboarding")
    screenshot("widget")
    widget.get_by_role("button", name="Send my answer").click()
    expect(page.locator(".kasasu-thanks")).to_have_text("Thank you for your answer")
    assert (10, "Great onboarding", CAMPAIGN) in _answers(data)
