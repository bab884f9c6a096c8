"""Events through the API (SQLite and PostgreSQL): a viewer reads, a CSM writes; create,
change, invite, registrations, a Zoom export uploaded, check-in, cancel, and the report with
the figures of tests/webinars/report_data.py worked out by hand."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import Role
from kasasu.webinars.service import register
from tests.conftest import make_key
from tests.webinars.conftest import BEFORE, World, world
from tests.webinars.report_data import add_base, add_events

__all__ = ["world"]  # the fixture, shared with tests/webinars

EXAMPLES = Path(__file__).parents[2] / "examples" / "webinars"
NEW = {"kind": "training", "title": {"ja": "管理者トレーニング", "en": "Admin training"},
       "starts_at": "2031-03-10T05:00:00Z", "ends_at": "2031-03-10T06:00:00Z",
       "capacity": 2, "waitlist": False}  # fmt: skip


def _as(api: TestClient, sessions: sessionmaker[Session], role: Role) -> TestClient:
    api.headers["Authorization"] = f"Bearer {make_key(sessions, role)}"
    return api


def test_a_viewer_reads_and_may_not_write(
    api: TestClient, sessions: sessionmaker[Session], world: World
) -> None:
    _as(api, sessions, Role.VIEWER)
    listed = api.get("/webinars")
    assert listed.status_code == 200
    assert listed.json()["total"] == 1
    assert api.get(f"/webinars/{world.webinar.id}").json()["webinar"]["title"]["en"] == (
        "Health scores 101"
    )
    assert api.post("/webinars", json=NEW).status_code == 403
    assert api.post(f"/webinars/{world.webinar.id}/cancel").status_code == 403
    body = {"registration_ids": []}
    assert api.post(f"/webinars/{world.webinar.id}/check-in", json=body).status_code == 403


def test_a_csm_runs_an_event(
    api: TestClient, sessions: sessionmaker[Session], world: World, session: Session
) -> None:
    _as(api, sessions, Role.CSM)
    made = api.post("/webinars", json=NEW)
    assert made.status_code == 201, made.text
    event = made.json()["id"]
    bad = api.patch(f"/webinars/{event}", json={"segment": "no-such-segment"})
    assert bad.status_code == 422
    assert api.patch(f"/webinars/{event}", json={"capacity": 3}).json()["capacity"] == 3
    invited = api.post(f"/webinars/{event}/invitations", json={"segment": "low-touch"})
    assert invited.json() == {"invited": 4, "already": 0, "without_email": 1}
    people = api.get(f"/webinars/{event}/registrations").json()
    assert people["total"] == 4
    assert {p["registration"]["status"] for p in people["items"]} == {"invited"}
    cancelled = api.post(f"/webinars/{event}/cancel")
    assert cancelled.json()["cancelled_at"] is not None
    # The fixture's event of 20 Nov 2026 is over: its attendance and a check-in.
    for who in ("alice", "bob", "carol"):
        register(session, world.people[who].id, world.webinar.id, now=BEFORE)
    session.commit()
    data = (EXAMPLES / "teams-attendance.csv").read_bytes()
    upload = api.post(f"/webinars/{world.webinar.id}/attendance",
                      files={"file": ("teams.csv", data, "text/csv")})  # fmt: skip
    assert upload.status_code == 200, upload.text
    outcome = upload.json()
    assert (outcome["vendor"], outcome["attended"], outcome["walk_ins"], outcome["no_shows"]) == (
        "teams",
        3,
        1,
        1,
    )
    # The organiser and other@else.example are no contacts; the unverified guest has no address.
    assert outcome["unmatched"] == ["host@kasasu.example", "other@else.example"]
    assert outcome["without_email"] == 1
    carol = next(
        p["registration"]["id"]
        for p in api.get(f"/webinars/{world.webinar.id}/registrations").json()["items"]
        if p["contact_email"] == "carol@beta.example"
    )
    checked = api.post(f"/webinars/{world.webinar.id}/check-in", json={"registration_ids": [carol]})
    assert checked.json() == {"attended": 1}
    summary = api.get(f"/webinars/{world.webinar.id}").json()["counts"]
    assert (summary["registered"], summary["attended"], summary["no_shows"]) == (4, 4, 0)
    junk = api.post(f"/webinars/{world.webinar.id}/attendance",
                    files={"file": ("x.csv", b"a,b\n1,2\n", "text/csv")})  # fmt: skip
    assert junk.status_code == 422


def test_the_report(api: TestClient, sessions: sessionmaker[Session]) -> None:
    with sessions() as s:
        add_events(s, add_base(s))
        s.commit()
    _as(api, sessions, Role.VIEWER)
    report = api.get("/webinars/report", params={"cohort": "2026-01"})
    assert report.status_code == 200, report.text
    body = report.json()
    assert [(e["title"]["en"], e["attendance_rate"]) for e in body["events"]] == [
        ("March", 1.0),
        ("June", 0.8),
    ]
    smb = next(c for c in body["comparison"] if c["segment"] == "smb")
    # Hand-worked in tests/webinars/test_report.py: attendees 2 paying, 1 churned; others
    # 2 paying of 3, 1 churned.
    assert (smb["attendees"]["accounts"], smb["attendees"]["churned"]) == (2, 1)
    assert (smb["others"]["members"], smb["others"]["accounts"]) == (3, 2)
    assert api.get("/webinars/report", params={"cohort": "2026-13"}).status_code == 422
