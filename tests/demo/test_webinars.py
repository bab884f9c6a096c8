"""The demo's events: a past event every quarter with registrations, attendance, no-shows and
a recording; one to come with its invitations out; every place is a contact of the account
it names, a customer on the event's day."""

from __future__ import annotations

from tests.demo.support import DemoRun
from tests.demo.test_service import query


def test_the_demo_has_past_webinars_and_one_to_come(medium_demo: DemoRun) -> None:
    run = medium_demo
    past = query(
        run,
        "SELECT w.id, count(r.id), count(r.attended_at), count(r.no_show_at) FROM webinars w "
        "JOIN webinar_registrations r ON r.webinar_id = w.id "
        "WHERE w.recording_url IS NOT NULL GROUP BY w.id",
    )
    assert len(past) >= 4
    assert all(n > 0 for _id, n, _attended, _missed in past)
    assert sum(attended for _id, _n, attended, _missed in past) > 0
    assert sum(missed for _id, _n, _attended, missed in past) > 0
    [(_coming, invited, registered)] = query(
        run,
        "SELECT w.id, sum(r.status = 'invited'), sum(r.status = 'registered') FROM webinars w "
        "JOIN webinar_registrations r ON r.webinar_id = w.id "
        "WHERE w.recording_url IS NULL GROUP BY w.id",
    )
    assert invited > 0
    assert registered > 0
    strangers = query(
        run,
        "SELECT count(*) FROM webinar_registrations r JOIN contacts c ON c.id = r.contact_id "
        "WHERE c.account_id != r.account_id",
    )
    assert strangers[0][0] == 0
    # No one both came and missed it.
    both = (
        "SELECT count(*) FROM webinar_registrations "
        "WHERE attended_at IS NOT NULL AND no_show_at IS NOT NULL"
    )
    assert query(run, both)[0][0] == 0
