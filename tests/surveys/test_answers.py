"""Answering without signing in: once per personal link, clear outcomes for expired and
forged links, bad answers refused with nothing stored; the hosted page by email."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kasasu.domain.choices import SurveyKind
from kasasu.errors import InvalidInput, PermissionDenied
from kasasu.models import SurveyCampaign, SurveyInvitation, SurveyResponse
from kasasu.surveys.answers import Answer, answer_errors, answer_link, answer_widget, open_link
from kasasu.surveys.campaign_schemas import CampaignCreate
from kasasu.surveys.campaigns import create_campaign, send_campaign
from kasasu.surveys.config import SurveyConfig
from kasasu.surveys.guard import SurveyGuard, SurveyLimits
from kasasu.surveys.hosted import request_link
from kasasu.surveys.links import SALT, sign_link, widget_key, widget_signature
from tests.surveys.conftest import NOW, World, file_config


@pytest.fixture
def config(tmp_path: Path) -> SurveyConfig:
    """Invitations written as files: these tests look at the links, not the emails."""
    return file_config(tmp_path)


def _invited(session: Session, world: World, config: SurveyConfig, email: str) -> str:
    create_campaign(
        session,
        CampaignCreate(name="c", contacts=[email], channel_page=True, channel_widget=True),
        config,
    )
    send_campaign(session, "c", config, NOW)
    invitation = session.scalars(
        select(SurveyInvitation).where(SurveyInvitation.contact_id == world.contacts[email])
    ).one()
    return sign_link(config.secret, invitation)


def _stored(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SurveyResponse)) or 0)


def test_a_link_answers_exactly_once(session: Session, world: World, config: SurveyConfig) -> None:
    link = _invited(session, world, config, "hanako@mitsuba.jp")
    page = open_link(session, config, link, NOW)
    assert (page.state, page.locale, page.kind) == ("open", "ja", SurveyKind.NPS)
    assert list(page.scale) == list(range(11))

    later = NOW + timedelta(days=1)
    assert answer_link(session, config, link, Answer(6, "  遅い  "), later).state == "thanks"
    again = answer_link(session, config, link, Answer(10, "more"), later)
    assert again.state == "answered"
    assert open_link(session, config, link, later).state == "answered"

    stored = session.scalars(select(SurveyResponse)).one()
    assert (stored.score, stored.comment, stored.campaign) == (6, "遅い", "c")
    assert stored.contact_id == world.contacts["hanako@mitsuba.jp"]
    assert stored.account_id == world.accounts["三葉商事"]
    assert stored.answered_at == later
    session.expire_all()
    invitation = session.scalars(select(SurveyInvitation)).one()
    assert (invitation.status, invitation.answered_at) == ("answered", later)


def test_an_expired_link_stores_nothing(
    session: Session, world: World, config: SurveyConfig
) -> None:
    link = _invited(session, world, config, "jane@acme.com")
    after = NOW + timedelta(days=30, seconds=1)  # links work for 30 days by default
    assert open_link(session, config, link, after).state == "expired"
    assert answer_link(session, config, link, Answer(9, None), after).state == "expired"
    assert _stored(session) == 0


@pytest.mark.parametrize("how", ["garbled", "other-secret", "wrong-token", "no-such-id"])
def test_a_forged_link_stores_nothing(
    session: Session, world: World, config: SurveyConfig, how: str
) -> None:
    link = _invited(session, world, config, "jane@acme.com")
    invitation = session.scalars(select(SurveyInvitation)).one()
    forged = {
        "garbled": link[:-3] + "abc",
        "other-secret": URLSafeTimedSerializer("other", salt=SALT).dumps(
            [invitation.id, invitation.token]
        ),
        "wrong-token": URLSafeTimedSerializer(config.secret, salt=SALT).dumps(
            [invitation.id, "guess"]
        ),
        "no-such-id": URLSafeTimedSerializer(config.secret, salt=SALT).dumps([10**9, "x"]),
    }[how]
    assert open_link(session, config, forged, NOW).state == "forged"
    assert answer_link(session, config, forged, Answer(9, None), NOW).state == "forged"
    assert _stored(session) == 0


@pytest.mark.parametrize(
    ("score", "comment", "field"),
    [(11, None, "score"), (-1, None, "score"), (None, "x", "score"), (9, "あ" * 2001, "comment")],
)
def test_bad_answers_are_refused_with_nothing_stored(
    session: Session,
    world: World,
    config: SurveyConfig,
    score: int | None,
    comment: str | None,
    field: str,
) -> None:
    link = _invited(session, world, config, "jane@acme.com")
    with pytest.raises(InvalidInput) as refused:
        answer_link(session, config, link, Answer(score, comment), NOW)
    assert [e.loc[-1] for e in refused.value.errors] == [field]
    assert _stored(session) == 0
    assert open_link(session, config, link, NOW).state == "open"  # still answerable
    # 2,000 characters is the limit, not over it.
    assert answer_link(session, config, link, Answer(9, "あ" * 2000), NOW).state == "thanks"


def _outbox(config: SurveyConfig) -> dict[str, EmailMessage]:
    """The emails written so far, by file name."""
    outbox = config.mail.outbox
    found = {}
    for path in outbox.glob("*.eml") if outbox.exists() else []:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        found[path.name] = message
    return found


def test_the_hosted_page_emails_the_personal_link_and_answers_every_email_alike(
    session: Session, world: World, config: SurveyConfig
) -> None:
    """Security review F8: the hosted page stored answers for any audience email typed in and
    said who was in the audience; now it only emails the person their own link."""
    _invited(session, world, config, "jane@acme.com")
    pid = session.scalars(select(SurveyCampaign.public_id)).one()
    before = set(_outbox(config))
    guard = SurveyGuard()
    outside = request_link(session, config, pid, "hanako@mitsuba.jp", NOW, guard=guard)
    inside = request_link(session, config, pid, " Jane@Acme.com ", NOW, guard=guard)
    assert (outside.page.state, inside.page.state) == ("sent", "sent")
    assert outside.deliver is None
    assert inside.deliver is not None
    assert inside.deliver()
    mails = _outbox(config)
    (new,) = set(mails) - before
    assert mails[new]["To"] == "jane@acme.com"
    body = mails[new].get_content()
    link = re.findall(r"https://cs\.example\.jp/s/(\S+)", body)
    assert link, body
    assert answer_link(session, config, link[0], Answer(9, None), NOW).state == "thanks"
    answered = request_link(session, config, pid, "jane@acme.com", NOW, guard=guard)
    assert (answered.page.state, answered.deliver) == ("sent", None)  # nothing more to send
    assert _stored(session) == 1
    assert request_link(
        session, config, "unknown", "jane@acme.com", NOW, guard=guard
    ).page.state == ("unknown")
    with pytest.raises(InvalidInput):
        request_link(session, config, pid, "not an email", NOW, guard=guard)


def test_link_emails_to_one_address_are_capped(
    session: Session, world: World, config: SurveyConfig
) -> None:
    create_campaign(
        session, CampaignCreate(name="p", contacts=["jane@acme.com"], channel_page=True), config
    )
    pid = session.scalars(select(SurveyCampaign.public_id)).one()
    guard = SurveyGuard(SurveyLimits(links_per_email=3))
    sent = [request_link(session, config, pid, "jane@acme.com", NOW, guard=guard) for _ in range(5)]
    assert [r.page.state for r in sent] == ["sent"] * 5
    assert [r.deliver is not None for r in sent] == [True, True, True, False, False]
    invitation = session.scalars(select(SurveyInvitation)).one()  # one link, sent again
    assert invitation.source == "page:p"
    assert invitation.sent_at == NOW


def test_the_widget_needs_the_backends_signature(
    session: Session, world: World, config: SurveyConfig
) -> None:
    _invited(session, world, config, "jane@acme.com")
    pid = session.scalars(select(SurveyCampaign.public_id)).one()
    key = widget_key(config.secret, pid)
    jane = widget_signature(key, "con-Jane Doe")  # her external id
    with pytest.raises(PermissionDenied):
        answer_widget(session, config, pid, Answer(9, None, "con-Jane Doe"), NOW, signature="")
    with pytest.raises(PermissionDenied):
        answer_widget(session, config, pid, Answer(9, None, "con-佐藤花子"), NOW, signature=jane)
    stranger = widget_signature(key, "hanako@mitsuba.jp")
    assert (
        answer_widget(
            session, config, pid, Answer(9, None, "hanako@mitsuba.jp"), NOW, signature=stranger
        ).state
        == "thanks"
    )
    assert _stored(session) == 0  # not in the audience: thanked, nothing stored
    assert (
        answer_widget(
            session, config, pid, Answer(9, None, "con-Jane Doe"), NOW, signature=jane
        ).state
        == "thanks"
    )
    assert (
        answer_widget(
            session, config, pid, Answer(3, None, "con-Jane Doe"), NOW, signature=jane
        ).state
        == "answered"
    )
    assert _stored(session) == 1
    own = replace(config, widget_secret="another-widget-secret")
    with pytest.raises(PermissionDenied):  # a widget secret of its own replaces the secret key
        answer_widget(session, own, pid, Answer(9, None, "con-Jane Doe"), NOW, signature=jane)


@given(kind=st.sampled_from(list(SurveyKind)), score=st.integers(-50, 50))
def test_a_score_is_accepted_exactly_within_its_scale(kind: SurveyKind, score: int) -> None:
    low, high = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}[kind.value]
    assert (answer_errors(kind, score, None) == []) == (low <= score <= high)
