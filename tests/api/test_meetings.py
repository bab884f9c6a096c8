"""Meetings on the onboarding plan through the API: scheduled, listed, moved (SEQUENCE up,
replies asked again), held with attendance (on the timeline), cancelled; refusals."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from tests.onboarding.meeting_world import Customer, customer


def _customer(sessions: sessionmaker[Session]) -> Customer:
    with sessions() as s:
        who = customer(s, "楓商事", start=date(2030, 1, 1))
        s.commit()
    return who


def test_a_meeting_round_trip(admin_api: TestClient, sessions: sessionmaker[Session]) -> None:
    who = _customer(sessions)
    path = f"/accounts/{who.account_id}/onboarding/meetings"
    made = admin_api.post(
        path,
        json={
            "kind": "kickoff",
            "starts_at": "2030-01-10T14:00:00+09:00",
            "duration_minutes": 45,
            "place": "https://meet.example.jp/kaede",
            "contact_ids": [who.champion, who.user],
        },
    )
    assert made.status_code == 201, made.text
    meeting = made.json()
    assert meeting["starts_at"] == "2030-01-10T05:00:00Z"
    # No language given, none on the plan: the installation's (the test API's: English).
    assert (meeting["title"], meeting["locale"], meeting["sequence"]) == ("Kick-off", "en", 0)
    assert [(i["name"], i["rsvp"]) for i in meeting["invitees"]] == [
        ("Sam Smith", "pending"),
        ("田中一郎", "pending"),
    ]
    listed = admin_api.get(path).json()
    assert [m["id"] for m in listed] == [meeting["id"]]

    moved = admin_api.patch(
        f"/onboarding/meetings/{meeting['id']}",
        json={"starts_at": "2020-01-11T10:00:00+09:00", "contact_ids": [who.champion]},
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["sequence"] == 1
    assert moved.json()["starts_at"] == "2020-01-11T01:00:00Z"
    assert [i["name"] for i in moved.json()["invitees"]] == ["田中一郎"]

    held = admin_api.post(
        f"/onboarding/meetings/{meeting['id']}/attendance",
        json={"attended": [who.champion], "note": "設定は次回"},
    )
    assert held.status_code == 200, held.text
    assert held.json()["status"] == "held"
    assert held.json()["invitees"][0]["attended"] is True
    timeline = admin_api.get("/activities", params={"account_id": who.account_id}).json()
    entries = timeline["items"] if isinstance(timeline, dict) else timeline
    assert [(a["kind"], a["subject"]) for a in entries] == [("meeting", "Kick-off held: Kick-off")]
    assert entries[0]["body"] == "Attended: 田中一郎\nDid not attend: —\n\n設定は次回"

    refused = admin_api.delete(f"/onboarding/meetings/{meeting['id']}")
    assert refused.status_code == 409
    assert admin_api.patch(f"/onboarding/meetings/{meeting['id']}", json={}).status_code == 409


def test_cancel_and_refusals(admin_api: TestClient, sessions: sessionmaker[Session]) -> None:
    who = _customer(sessions)
    path = f"/accounts/{who.account_id}/onboarding/meetings"
    body = {"kind": "review", "starts_at": "2030-02-01T01:00:00Z", "contact_ids": [who.user]}
    meeting = admin_api.post(path, json=body).json()
    early = admin_api.post(
        f"/onboarding/meetings/{meeting['id']}/attendance", json={"attended": []}
    )
    assert early.status_code == 409  # not started yet
    cancelled = admin_api.delete(f"/onboarding/meetings/{meeting['id']}")
    assert cancelled.status_code == 200
    assert (cancelled.json()["status"], cancelled.json()["sequence"]) == ("cancelled", 1)
    naive = admin_api.post(path, json={**body, "starts_at": "2030-02-01T10:00:00"})
    assert naive.status_code == 422  # a time without its offset is refused
    assert admin_api.post(path, json={**body, "contact_ids": []}).status_code == 422
    assert admin_api.post(path, json={**body, "kind": "party"}).status_code == 422
    assert admin_api.post("/accounts/999999/onboarding/meetings", json=body).status_code == 404
    assert admin_api.delete("/onboarding/meetings/999999").status_code == 404
