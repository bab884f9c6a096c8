"""``kasasu webinars list|import-attendance|remind`` on a fresh data directory: the event
listed, a Zoom export recorded (counted by hand: Alice, Bob and Dave came, Dave without
registering; Carol did not; guest@else.example is no contact; one person has no address),
the invitations written to the outbox once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from kasasu.db import create_db_engine, session_factory, transaction
from kasasu.models import Account, Contact
from kasasu.webinars.schemas import Title, WebinarCreate
from kasasu.webinars.service import create_webinar, invite_contacts, register
from tests.support.cli import data_env, invoke_kasasu, kasasu

ZOOM = Path(__file__).parents[2] / "examples" / "webinars" / "zoom-webinar-attendees.csv"
STARTS = datetime(2026, 11, 20, 5, 0, tzinfo=UTC)


def _base(data: Path) -> tuple[int, int]:
    """The event of ZOOM (20 Nov 2026) with Alice, Bob and Carol registered; one to come
    with Alice invited."""
    engine = create_db_engine(f"sqlite:///{data}/kasasu.db")
    with transaction(session_factory(engine), write=True) as s:
        acme, beta = Account(external_id="ACME", name="ACME"), Account(external_id="BETA", name="B")
        s.add_all([acme, beta])
        s.flush()
        people = {}
        for n in ("alice", "bob", "carol", "dave"):
            company = acme if n in ("alice", "bob") else beta
            email = f"{n}@{company.external_id.lower()}.example"
            people[n] = Contact(external_id=n, account_id=company.id, name=n, email=email)
        s.add_all(people.values())
        s.flush()
        held = WebinarCreate(
            title=Title(en="Health scores 101"),
            starts_at=STARTS,
            ends_at=STARTS + timedelta(hours=1),
        )
        past = create_webinar(s, held).id
        for n in ("alice", "bob", "carol"):
            register(s, people[n].id, past, now=STARTS - timedelta(days=5))
        soon = datetime.now(UTC) + timedelta(days=3)
        coming = create_webinar(s, WebinarCreate(title=Title(en="What's next"), starts_at=soon,
                                ends_at=soon + timedelta(hours=1))).id  # fmt: skip
        invite_contacts(s, coming, [people["alice"].id], datetime.now(UTC))
    engine.dispose()
    return past, coming


def test_list_import_and_remind(tmp_path: Path) -> None:
    data = tmp_path / "kasasu-data"
    assert kasasu(data, "init").returncode == 0
    past, _coming = _base(data)
    env = data_env(data, KASASU_LOCALE="en", COLUMNS="200")
    listed = invoke_kasasu(env, "webinars", "list")
    assert listed.returncode == 0, listed.stderr
    assert "Health scores 101" in listed.stdout
    assert "What's next" in listed.stdout
    done = invoke_kasasu(env, "webinars", "import-attendance", str(past), str(ZOOM))
    assert done.returncode == 0, done.stderr
    assert ("zoom: 4 people; 3 newly attended (1 without registering), 1 no-shows, "
            "1 addresses of no contact, 1 without an address") in done.stdout  # fmt: skip
    assert "guest@else.example" in done.stdout
    again = invoke_kasasu(env, "webinars", "import-attendance", str(past), str(ZOOM))
    assert "0 newly attended" in again.stdout  # the same file again changes nothing
    sent = invoke_kasasu(env, "webinars", "remind")
    assert sent.returncode == 0, sent.stderr
    assert "1 emails sent, 0 failed" in sent.stdout  # Alice's invitation
    assert "0 emails sent" in invoke_kasasu(env, "webinars", "remind").stdout
    missing = invoke_kasasu(env, "webinars", "import-attendance", "999", str(ZOOM))
    assert missing.returncode == 3  # not found
