"""An event from invitation to health, in a real browser on a Kasasu of its own (a small
demo company whose data ends today, its mail going to the local SMTP server): a CSM creates
the event and invites a contact; the invitation's link registers them; the CSM imports the
attendance file; the follow-up playbook emails the recording; the account's
``events_attended_90d`` measure moves by one."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from benchmarks.serving import free_port, served
from playwright.sync_api import Page, expect

from tests.playbooks.conftest import Mailbox
from tests.support.cli import data_env, invoke_kasasu
from tests.web.browser.conftest import CSM_EMAIL, CSM_PASSWORD, Screenshot, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("browser")]  # a browser

TOKYO = ZoneInfo("Asia/Tokyo")
START_IN = 20  # seconds: the invitation and the registration happen before the start
HOUR = timedelta(hours=1)
RECORDING = "https://video.example/rec/journey"
TITLE = "ヘルススコア活用ウェビナー"
TITLE_EN = "Health scores in practice"  # what English pages and mails show
FOLLOW_UP = [{
    "name": "event-attended",
    "title": {"ja": "イベント参加のお礼", "en": "Thanks for attending"},
    "trigger": {"type": "event_attended"},
    "cooldown_days": 0,
    "actions": [{
        "type": "email", "to": "trigger",
        "subject": {"ja": "ご参加ありがとうございました", "en": "Thank you for attending"},
        "body": {"ja": "録画: {{ trigger.event.recording_url }}",
                 "en": "Recording: {{ trigger.event.recording_url }}"},
    }],
}]  # fmt: skip


@pytest.fixture(scope="module")
def event_site(
    tmp_path_factory: pytest.TempPathFactory, mail_server: tuple[Mailbox, int]
) -> Iterator[tuple[str, dict[str, str]]]:
    data = tmp_path_factory.mktemp("events") / "kasasu-data"
    port = free_port()
    env = data_env(
        data,
        KASASU_DEV_MODE="true",
        KASASU_REFRESH__SCHEDULED="false",
        KASASU_LOCALE="en",
        KASASU_MAIL__BACKEND="smtp",
        KASASU_MAIL__PORT=str(mail_server[1]),
        KASASU_PLAYBOOKS__BASE_URL=f"http://127.0.0.1:{port}",
    )
    for args in (
        ("init",),
        ("demo", "--accounts", "20", "--months", "6", "--seed", "3"),
        ("user", "create", "--email", CSM_EMAIL, "--name", "CSM", "--role", "csm",
         "--password", CSM_PASSWORD),
        ("refresh", "--no-pages", "--no-playbooks"),  # today's scores, which playbooks read
    ):  # fmt: skip
        done = invoke_kasasu(env, *args)
        assert done.returncode == 0, (args, done.stderr)
    (data / "follow-up.yaml").write_text(yaml.safe_dump(FOLLOW_UP, allow_unicode=True))
    assert invoke_kasasu(env, "playbooks", "load", str(data / "follow-up.yaml")).returncode == 0
    key = invoke_kasasu(env, "apikey", "create", "--name", "journey", "--role", "admin")
    env["JOURNEY_API_KEY"] = key.stdout.strip().splitlines()[-1]
    with served(env, port=port, log=data.parent / "serve.log", stop_seconds=15) as (base, _s):
        yield base, env


@pytest.fixture
def server(event_site: tuple[str, dict[str, str]]) -> str:
    return event_site[0]


def _db(env: dict[str, str]) -> sqlite3.Connection:
    return sqlite3.connect(env["KASASU_DATABASE_URL"].removeprefix("sqlite:///"))


def _attended_measure(env: dict[str, str], account_id: int) -> int:
    """The account's events_attended_90d as tomorrow's refresh computes it (a day's features
    count what happened before the day starts, so today's webinar counts from tomorrow)."""
    tomorrow = (datetime.now(TOKYO) + timedelta(days=1)).date().isoformat()
    done = invoke_kasasu(env, "refresh", "--as-of", tomorrow, "--no-pages", "--no-playbooks")
    assert done.returncode == 0, done.stderr
    with _db(env) as db:
        row = db.execute(
            "SELECT features FROM feature_snapshots WHERE account_id = ? ORDER BY as_of DESC",
            (account_id,),
        ).fetchone()
    return int(json.loads(row[0])["events_attended_90d"])


def _zoom_report(email: str, joined: datetime) -> str:
    """Zoom's attendee report (examples/webinars/) with one attendee: the contact."""
    at = joined.astimezone(TOKYO)
    fmt = "%m/%d/%Y %H:%M:%S"
    left = at + timedelta(minutes=40)
    return (
        "\ufeffAttendee Report\nReport Generated:,{0}\n"
        "Topic,Webinar ID,Actual Start Time,Actual Duration (minutes),Unique Viewers,"
        "Total Users,Max Concurrent Views\n{1},812 0000 0001,{0},60,1,1,1\n"
        "Attendee Details\n"
        "Attended,User Name (Original Name),First Name,Last Name,Email,Phone,"
        "Registration Time,Approval Status,Join Time,Leave Time,Time in Session (minutes),"
        "Is Guest,Country/Region Name,Source Name\n"
        "Yes,Contact,,,{2},,{0},approved,{0},{3},40,Yes,Japan,\n"
    ).format(at.strftime(fmt), TITLE, email, left.strftime(fmt))


def test_invitation_registration_attendance_follow_up_and_health(
    page: Page,
    mailbox: Mailbox,
    event_site: tuple[str, dict[str, str]],
    tmp_path: Path,
    screenshot: Screenshot,
) -> None:
    _base, env = event_site
    with _db(env) as db:
        contact, account_id = db.execute(
            "SELECT c.email, c.account_id FROM contacts c JOIN subscriptions s"
            " ON s.account_id = c.account_id WHERE c.email IS NOT NULL AND s.status = 'active'"
            " ORDER BY c.id"
        ).fetchone()
    before = _attended_measure(env, account_id)

    # Invitations go out before an event starts and attendance comes in after it started:
    # an event that starts in a few seconds (the form takes whole minutes, the API seconds).
    starts = datetime.now(UTC) + timedelta(seconds=START_IN)
    made = page.request.post(
        "/api/v1/webinars",
        headers={"Authorization": f"Bearer {env['JOURNEY_API_KEY']}"},
        data={"title": {"ja": TITLE, "en": TITLE_EN},
              "starts_at": starts.isoformat(), "ends_at": (starts + HOUR).isoformat(),
              "recording_url": RECORDING},
    )  # fmt: skip
    assert made.status == 201, made.text()
    event_url = f"/webinars/{made.json()['id']}"

    sign_in(page, CSM_EMAIL, CSM_PASSWORD)
    page.goto(event_url)
    expect(page.get_by_role("heading", name=TITLE_EN)).to_be_visible()
    page.locator('textarea[name="emails"]').fill(contact)
    page.get_by_role("button", name="Invite", exact=True).click()
    expect(page.locator("body")).to_contain_text(contact)

    sent = len(mailbox.messages)
    assert invoke_kasasu(env, "webinars", "remind").returncode == 0  # the periodic job, now
    invitation = next(m for m in mailbox.messages[sent:] if m["To"] == contact)
    link = re.search(r"https?://[^\s/]+(/e/\S+)", invitation.get_body(("plain",)).get_content())
    assert link, invitation.get_content()

    page.context.clear_cookies()
    page.goto(link.group(1))
    expect(page.get_by_role("heading", name=re.compile(f"{TITLE}|{TITLE_EN}"))).to_be_visible()
    page.get_by_role("button", name="Register", exact=True).click()
    expect(page.locator("body")).to_contain_text(re.compile("registered", re.IGNORECASE))
    screenshot("registered")

    page.wait_for_timeout(max(0.0, (starts - datetime.now(UTC)).total_seconds() + 1) * 1000)
    report = tmp_path / "zoom-attendees.csv"
    report.write_text(_zoom_report(contact, starts + timedelta(seconds=1)), encoding="utf-8")
    sign_in(page, CSM_EMAIL, CSM_PASSWORD)
    page.goto(event_url)
    page.locator('input[name="file"]').set_input_files(str(report))
    page.get_by_role("button", name="Import attendance", exact=True).click()
    expect(page.locator("body")).to_contain_text("Zoom")
    screenshot("attendance")

    sent = len(mailbox.messages)
    ran = invoke_kasasu(env, "playbooks", "run")
    assert ran.returncode == 0, ran.stderr
    follow_up = [m for m in mailbox.messages[sent:] if m["To"] == contact]
    assert len(follow_up) == 1
    assert RECORDING in follow_up[0].get_body(("plain",)).get_content()

    assert _attended_measure(env, account_id) == before + 1
