"""The team's event pages (on SQLite and PostgreSQL): every page asks for sign-in; a CSM
creates an event (times in their zone, the description sanitised), invites chosen contacts
and a segment, imports a Zoom export and checks someone in by hand; a viewer may read but not
write; the report page shows the figures."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.domain.choices import RegistrationStatus as S
from kasasu.domain.choices import Role
from kasasu.models import Webinar, WebinarRegistration
from kasasu.webinars.service import register
from tests.web.conftest import SignIn, csrf
from tests.webinars.conftest import BEFORE, World, world

__all__ = ["world"]  # the fixture, shared with tests/webinars

EXAMPLES = Path(__file__).parents[2] / "examples" / "webinars"
FUTURE = {"starts_at": "2031-03-10T14:00", "ends_at": "2031-03-10T15:00"}  # Tokyo wall time


def _form(token: str, **values: str) -> dict[str, str]:
    return {"csrf_token": token, "kind": "seminar", "title_ja": "活用セミナー",
            "title_en": "Getting more out of it",
            "description_ja": "**第1部** <script>alert(1)</script><img src=x onerror=alert(2)>",
            "description_en": "", **FUTURE, "join_url": "https://meet.example/j/1",
            "capacity": "30", "waitlist": "on", "segment": "", "reminder_hours": "24",
            "recording_url": "", **values}  # fmt: skip


def test_every_page_asks_for_sign_in(web: TestClient, world: World) -> None:
    w = world.webinar.id
    for path in ("/webinars", "/webinars/new", "/webinars/report", f"/webinars/{w}",
                 f"/webinars/{w}/edit"):  # fmt: skip
        response = web.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path


def test_a_csm_creates_an_event_and_invites(
    web: TestClient, sign_in: SignIn, world: World, session: Session
) -> None:
    sign_in(Role.CSM)
    token = csrf(web.get("/webinars/new").text)
    made = web.post("/webinars", data=_form(token))
    assert made.status_code == 303
    page = web.get(made.headers["location"]).text
    assert "活用セミナー" in page or "Getting more out of it" in page
    assert "<strong>第1部</strong>" in page  # the description, rendered ...
    assert "<script>alert(1)" not in page  # ... and sanitised
    assert "onerror" not in page
    row = session.scalars(select(Webinar).where(Webinar.capacity == 30)).one()
    assert row.starts_at == datetime(2031, 3, 10, 5, 0, tzinfo=UTC)  # 14:00 in Tokyo
    typed = {"csrf_token": token, "emails": "alice@acme.example\nnobody@x.jp"}
    unknown = web.post(f"/webinars/{row.id}/invite", data=typed)
    assert unknown.status_code == 422
    assert "nobody@x.jp" in unknown.text
    typed = {"csrf_token": token, "emails": "ALICE@acme.example, bob@acme.example"}
    chosen = web.post(f"/webinars/{row.id}/invite", data=typed)
    assert chosen.status_code == 200
    assert "2 invited; 0 invited or registered before" in chosen.text
    segment = web.post(f"/webinars/{row.id}/invite",
                       data={"csrf_token": token, "segment": "low-touch"})  # fmt: skip
    # Carol and Dave are new; Alice and Bob were invited; "No Mail" has no address.
    assert "2 invited; 2 invited or registered before; 1 without an email address" in segment.text
    listed = web.get("/webinars").text
    assert f'href="/webinars/{row.id}"' in listed
    bad = web.post("/webinars", data=_form(token, ends_at="2031-03-10T13:00", capacity="0"))
    assert bad.status_code == 422
    assert 'aria-invalid="true"' in bad.text


def test_attendance_file_and_check_in_on_the_event_page(
    web: TestClient, sign_in: SignIn, world: World, session: Session
) -> None:
    for who in ("alice", "bob", "carol"):
        register(session, world.people[who].id, world.webinar.id, now=BEFORE)
    session.flush()
    sign_in(Role.CSM)
    page = web.get(f"/webinars/{world.webinar.id}")
    assert page.status_code == 200
    token = csrf(page.text)
    data = (EXAMPLES / "zoom-webinar-attendees.csv").read_bytes()
    imported = web.post(
        f"/webinars/{world.webinar.id}/attendance",
        data={"csrf_token": token},
        files={"file": ("zoom.csv", data, "text/csv")},
    )
    assert imported.status_code == 200, imported.text
    text = imported.text
    # Alice, Bob and Dave (a walk-in) came; Carol did not; guest@else.example is no contact.
    assert "Read as an attendance export of Zoom: 4 people." in text
    assert "Newly marked attended: 3" in text
    assert "Of them, came without registering: 1" in text
    assert "No-shows: 1" in text
    assert "guest@else.example" in text
    carol = session.scalars(
        select(WebinarRegistration).where(
            WebinarRegistration.contact_id == world.people["carol"].id
        )
    ).one()
    done = web.post(f"/webinars/{world.webinar.id}/check-in",
                    data={"csrf_token": token, "registration": str(carol.id)})  # fmt: skip
    assert done.status_code == 303
    session.refresh(carol)
    assert carol.attended_at is not None
    assert carol.attendance_source == "hand"
    assert carol.status is S.REGISTERED


def test_a_viewer_reads_but_cannot_write(web: TestClient, sign_in: SignIn, world: World) -> None:
    sign_in(Role.VIEWER)
    page = web.get(f"/webinars/{world.webinar.id}")
    assert page.status_code == 200
    assert "/attendance" not in page.text
    token = csrf(page.text)
    assert web.post("/webinars", data=_form(token)).status_code == 403
    invite = {"csrf_token": token, "segment": "low-touch"}
    assert web.post(f"/webinars/{world.webinar.id}/invite", data=invite).status_code == 403
    assert web.get("/webinars").status_code == 200
    report = web.get("/webinars/report")
    assert report.status_code == 200
    assert "Do our webinars keep customers?" in report.text
    assert "Health scores 101" in report.text  # the event over, with its line
    assert web.get("/webinars/report?cohort=not-a-month").status_code == 422
