"""Events in the portal (SQLite and PostgreSQL): a contact sees the events for every account
and for their company's segment, registers and cancels there, and sees their past events
with the recording; a contact of another company sees neither the segment's event nor the
first company's registrations, and cannot register for that event by its id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kasasu.domain.choices import RegistrationStatus as S
from kasasu.models import WebinarRegistration
from kasasu.webinars.schemas import Title, WebinarCreate
from kasasu.webinars.service import create_webinar, register
from tests.playbooks.conftest import Mailbox
from tests.portal.conftest import sign_in_as
from tests.portal.data import Companies
from tests.web.conftest import csrf


def _event(s: Session, title: str, starts: datetime, **values: object) -> int:
    data = WebinarCreate.model_validate(
        {"title": Title(en=title), "starts_at": starts, "ends_at": starts + timedelta(hours=1),
         **values}
    )  # fmt: skip
    return create_webinar(s, data).id


@pytest.fixture
def events(sessions: sessionmaker[Session], companies: Companies) -> dict[str, int]:
    soon = datetime.now(UTC) + timedelta(days=10)
    with sessions() as s:
        found = {
            "all": _event(s, "Open webinar for all", soon),
            "enterprise": _event(s, "Enterprise-only seminar", soon, segment="enterprise"),
            "past": _event(s, "Past training", soon - timedelta(days=40),
                           recording_url="https://video.example/rec/9"),
        }  # fmt: skip
        # Alice had a seat at the past training and came.
        reg = register(s, companies.alice, found["past"], now=soon - timedelta(days=50))
        row = s.get(WebinarRegistration, reg.id)
        assert row is not None
        row.attended_at = soon - timedelta(days=40)
        s.commit()
    return found


def test_a_contact_registers_and_cancels_in_the_portal(
    portal: TestClient,
    smtp: tuple[Mailbox, int],
    companies: Companies,
    events: dict[str, int],
    session: Session,
) -> None:
    assert portal.get("/portal/events").status_code == 303  # sign-in first
    sign_in_as(portal, smtp[0], "alice@acme.example")
    page = portal.get("/portal/events")
    assert page.status_code == 200
    assert "Open webinar for all" in page.text
    assert "Enterprise-only seminar" in page.text  # A is in the segment
    assert "Past training" in page.text
    assert 'href="https://video.example/rec/9"' in page.text
    assert 'href="/portal/events"' in page.text  # the portal's menu has the entry
    token = csrf(page.text)
    done = portal.post(
        f"/portal/events/{events['enterprise']}/register", data={"csrf_token": token}
    )
    assert done.status_code == 303
    again = portal.post(
        f"/portal/events/{events['enterprise']}/register", data={"csrf_token": token}
    )
    assert again.status_code == 303
    rows = session.scalars(
        select(WebinarRegistration).where(WebinarRegistration.webinar_id == events["enterprise"])
    ).all()
    assert [(r.contact_id, r.status, r.source) for r in rows] == [
        (companies.alice, S.REGISTERED, "portal")
    ]
    assert "You are registered" in portal.get("/portal/events").text
    portal.post(f"/portal/events/{events['enterprise']}/cancel", data={"csrf_token": token})
    session.expire_all()
    assert session.get(WebinarRegistration, rows[0].id).status is S.CANCELLED  # type: ignore[union-attr]  # found above


def test_another_company_sees_none_of_it(
    portal: TestClient,
    smtp: tuple[Mailbox, int],
    companies: Companies,
    events: dict[str, int],
    session: Session,
) -> None:
    sign_in_as(portal, smtp[0], "bob@beta.example")
    page = portal.get("/portal/events")
    assert "Open webinar for all" in page.text
    assert "Enterprise-only seminar" not in page.text  # B is not in the segment
    assert "Past training" not in page.text  # Alice's past event, not Bob's
    assert "video.example" not in page.text
    token = csrf(page.text)
    for action in ("register", "cancel"):
        refused = portal.post(f"/portal/events/{events['enterprise']}/{action}",
                              data={"csrf_token": token})  # fmt: skip
        assert refused.status_code == 404, action
    # Bob cannot take Alice's seat away either: his cancel finds no place of his.
    assert portal.post(f"/portal/events/{events['past']}/cancel",
                       data={"csrf_token": token}).status_code == 404  # fmt: skip
    taken = session.scalars(
        select(WebinarRegistration.contact_id).where(
            WebinarRegistration.webinar_id == events["enterprise"]
        )
    ).all()
    assert taken == []
