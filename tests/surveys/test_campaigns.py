"""Campaigns end to end below the web: audience, throttling, personal emails through a real
SMTP server in each contact's language, sending and reminding exactly once."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kasasu.domain.choices import Language, SurveyKind
from kasasu.errors import Conflict, InvalidInput, NotFound
from kasasu.models import Contact, SurveyInvitation, SurveyResponse
from kasasu.surveys.campaign_schemas import CampaignCreate
from kasasu.surveys.campaigns import create_campaign, remind_campaign, send_campaign
from tests.surveys.conftest import NOW, Mailbox, World, config_for

LINK = re.compile(r"https://cs\.example\.jp/s/(\S+)")


def _by_recipient(mailbox: Mailbox) -> dict[str, object]:
    return {str(m["To"]): m for m in mailbox.messages}


def test_segment_campaign_emails_each_contact_once_in_their_language(
    session: Session, world: World, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    config = config_for(port, tmp_path)
    create_campaign(session, CampaignCreate(name="nps-2026q2", segment="all"), config)

    outcome = send_campaign(session, "nps-2026q2", config, NOW, checkpoint=session.commit)

    # 三葉商事: its champion only; Acme: its decision maker; 山田工業 has no key contact, so
    # every contact with an email (not 山田次郎, who has none).
    assert (outcome.audience, outcome.invited, outcome.throttled, outcome.sent) == (3, 3, 0, 3)
    mails = _by_recipient(mailbox)
    assert set(mails) == {"hanako@mitsuba.jp", "jane@acme.com", "taro@yamada.jp"}
    jane, hanako, taro = mails["jane@acme.com"], mails["hanako@mitsuba.jp"], mails["taro@yamada.jp"]
    assert jane["Subject"] == "One question for you"  # type: ignore[index]
    assert jane["Content-Language"] == "en"  # type: ignore[index]
    body = jane.get_content()  # type: ignore[attr-defined]
    assert body.startswith("Dear Jane Doe,")
    assert "How likely are you to recommend us to a friend or colleague?" in body
    assert hanako["Subject"] == "アンケートご協力のお願い"  # type: ignore[index]
    assert hanako.get_content().startswith("佐藤花子 様")  # type: ignore[attr-defined]
    assert "友人や同僚に薦める" in hanako.get_content()  # type: ignore[attr-defined]
    # No locale on 山田工業: the configured one (ja).
    assert taro["Content-Language"] == "ja"  # type: ignore[index]
    links = {LINK.search(m.get_content()).group(1) for m in mailbox.messages}  # type: ignore[union-attr, attr-defined]
    assert len(links) == 3

    again = send_campaign(session, "nps-2026q2", config, NOW + timedelta(hours=1))
    assert (again.invited, again.sent) == (0, 0)
    assert len(mailbox.messages) == 3
    sent = session.scalars(select(SurveyInvitation.sent_at)).all()
    assert sent == [NOW] * 3


def test_a_contact_s_own_language_wins_over_their_account_s(
    session: Session, world: World, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    """佐藤花子 reads English although 三葉商事 names Japanese: her invitation is English."""
    mailbox, port = smtp
    config = config_for(port, tmp_path)
    hanako = session.get(Contact, world.contacts["hanako@mitsuba.jp"])
    assert hanako is not None
    hanako.locale = Language.EN
    create_campaign(session, CampaignCreate(name="nps-en", segment="all"), config)
    send_campaign(session, "nps-en", config, NOW)
    mails = _by_recipient(mailbox)
    assert mails["hanako@mitsuba.jp"]["Subject"] == "One question for you"  # type: ignore[index]
    assert mails["hanako@mitsuba.jp"].get_content().startswith("Dear 佐藤花子,")  # type: ignore[attr-defined]
    assert mails["taro@yamada.jp"]["Content-Language"] == "ja"  # type: ignore[index]


def test_dry_run_lists_recipients_and_sends_nothing(
    session: Session, world: World, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    config = config_for(port, tmp_path)
    create_campaign(session, CampaignCreate(name="dry", segment="all"), config)
    outcome = send_campaign(session, "dry", config, NOW, dry_run=True)
    assert sorted(outcome.recipients) == ["hanako@mitsuba.jp", "jane@acme.com", "taro@yamada.jp"]
    assert outcome.sent == 0
    assert mailbox.messages == []
    assert session.scalars(select(SurveyInvitation)).all() == []


def test_throttling_skips_contacts_surveyed_within_the_window(
    session: Session, world: World, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    config = config_for(port, tmp_path)  # default window: 90 days
    # Hanako answered 30 days ago; Jane was invited 100 days ago (outside the window).
    session.add(
        SurveyResponse(
            external_id="old",
            account_id=world.accounts["三葉商事"],
            contact_id=world.contacts["hanako@mitsuba.jp"],
            kind=SurveyKind.NPS,
            score=9,
            answered_at=NOW - timedelta(days=30),
        )
    )
    session.add(
        SurveyInvitation(
            account_id=world.accounts["Acme"],
            contact_id=world.contacts["jane@acme.com"],
            kind=SurveyKind.CSAT,
            source="old",
            status="sent",
            sent_at=NOW - timedelta(days=100),
            created_at=NOW - timedelta(days=100),
        )
    )
    session.flush()
    create_campaign(session, CampaignCreate(name="q2", segment="all"), config)
    outcome = send_campaign(session, "q2", config, NOW)
    assert (outcome.throttled, outcome.sent) == (1, 2)
    assert set(_by_recipient(mailbox)) == {"jane@acme.com", "taro@yamada.jp"}

    # A campaign may shorten the window: 20 days lets Hanako be asked again.
    create_campaign(session, CampaignCreate(name="short", segment="all", throttle_days=20), config)
    short = send_campaign(session, "short", config, NOW)
    # Jane and Taro were just invited by "q2"; Hanako's answer is 30 days old.
    assert (short.throttled, short.sent) == (2, 1)
    assert str(mailbox.messages[-1]["To"]) == "hanako@mitsuba.jp"


def test_explicit_list_by_id_and_email(
    session: Session, world: World, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    config = config_for(port, tmp_path)
    contacts: list[int | str] = [world.contacts["ichiro@mitsuba.jp"], "JANE@acme.com"]
    create_campaign(
        session, CampaignCreate(name="list", kind=SurveyKind.CSAT, contacts=contacts), config
    )
    assert send_campaign(session, "list", config, NOW).sent == 2
    assert set(_by_recipient(mailbox)) == {"ichiro@mitsuba.jp", "jane@acme.com"}
    assert "How satisfied are you with our service?" in mailbox.messages[-1].get_content()  # type: ignore[attr-defined]


def test_reminders_go_once_to_those_who_have_not_answered(
    session: Session, world: World, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    config = config_for(port, tmp_path, remind_after_days=7)
    create_campaign(session, CampaignCreate(name="r", segment="all"), config)
    send_campaign(session, "r", config, NOW)
    jane = session.scalars(
        select(SurveyInvitation).where(
            SurveyInvitation.contact_id == world.contacts["jane@acme.com"]
        )
    ).one()
    jane.answered_at = NOW + timedelta(days=1)
    session.flush()

    assert remind_campaign(session, "r", config, NOW + timedelta(days=6)).reminded == 0
    assert remind_campaign(session, "r", config, NOW + timedelta(days=8)).reminded == 2
    assert remind_campaign(session, "r", config, NOW + timedelta(days=9)).reminded == 0
    reminders = mailbox.messages[3:]
    assert {str(m["To"]) for m in reminders} == {"hanako@mitsuba.jp", "taro@yamada.jp"}
    assert all(m["Subject"] == "【リマインド】アンケートご協力のお願い" for m in reminders)


def test_playbook_invitations_are_picked_up_by_a_campaign_of_their_kind(
    session: Session, world: World, smtp: tuple[Mailbox, int], tmp_path: Path
) -> None:
    mailbox, port = smtp
    config = config_for(port, tmp_path)
    session.add(
        SurveyInvitation(
            account_id=world.accounts["三葉商事"],
            contact_id=world.contacts["ichiro@mitsuba.jp"],
            kind=SurveyKind.NPS,
            source="playbook:detractor-recovery",
        )
    )
    session.flush()
    create_campaign(
        session, CampaignCreate(name="p", contacts=[world.contacts["taro@yamada.jp"]]), config
    )
    outcome = send_campaign(session, "p", config, NOW)
    assert (outcome.invited, outcome.sent) == (2, 2)
    assert set(_by_recipient(mailbox)) == {"ichiro@mitsuba.jp", "taro@yamada.jp"}


def test_bad_campaigns_are_refused(session: Session, world: World, tmp_path: Path) -> None:
    config = config_for(25, tmp_path)
    create_campaign(session, CampaignCreate(name="x", segment="all"), config)
    with pytest.raises(Conflict):
        create_campaign(session, CampaignCreate(name="x", segment="all"), config)
    with pytest.raises(InvalidInput):
        create_campaign(session, CampaignCreate(name="y"), config)
    with pytest.raises(NotFound):
        create_campaign(session, CampaignCreate(name="z", segment="nope"), config)


def test_an_audience_larger_than_one_statement_binds_is_read_whole(
    session: Session, world: World
) -> None:
    """70,000 listed contact ids (PostgreSQL binds at most 65,535 values in a statement): the
    three that exist are found, in id order, plus one found by its email in any case."""
    from kasasu.surveys.repository import AudienceRepository

    ids = [*world.contacts.values(), *range(10_000_000, 10_070_000)]
    listed = AudienceRepository(session).by_ids_or_emails(ids, [])
    assert [email for _c, _a, email in listed if email] == [
        "hanako@mitsuba.jp",
        "ichiro@mitsuba.jp",
        "jane@acme.com",
        "taro@yamada.jp",
    ]
    found = AudienceRepository(session).by_ids_or_emails([], ["JANE@acme.com"])
    assert [email for _c, _a, email in found] == ["jane@acme.com"]
