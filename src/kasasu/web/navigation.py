"""The workspace's navigation: a handful of sections, each with its pages.

The header shows the sections, and under them the pages of the section the current page is
in. One definition for the header, the tests that walk every page, and ``make bench``."""

from __future__ import annotations

from dataclasses import dataclass

from kasasu.domain.choices import Role
from kasasu.kit.i18n import Message, _


@dataclass(frozen=True)
class NavPage:
    href: str
    label: Message
    hidden_from: frozenset[Role] = frozenset()


@dataclass(frozen=True)
class NavSection:
    label: Message
    pages: tuple[NavPage, ...]


SECTIONS = (
    NavSection(_("Home"), (NavPage("/", _("Home")),)),
    NavSection(
        _("Customers"),
        (
            NavPage("/accounts", _("Accounts")),
            NavPage("/onboarding", _("Onboarding")),
            NavPage("/tasks", _("My tasks")),
            NavPage("/workload", _("Workload"), frozenset({Role.VIEWER})),
            NavPage("/ownership", _("Ownership"), frozenset({Role.VIEWER})),
            NavPage("/segments", _("Segments")),
        ),
    ),
    NavSection(
        _("Renewals and churn"),
        (
            NavPage("/renewals", _("Renewals")),
            NavPage("/renewals/forecast", _("Renewal forecast")),
            NavPage("/churn", _("Churn reasons")),
            NavPage("/churn/model", _("Churn risk model")),
            NavPage("/lifetime-value", _("Lifetime value")),
        ),
    ),
    NavSection(
        _("Voice and needs"),
        (
            NavPage("/surveys", _("Surveys")),
            NavPage("/survey-results", _("Survey results")),
            NavPage("/voice/comments", _("Comment analysis")),
            NavPage("/needs", _("Needs")),
            NavPage("/loyal", _("Loyal customers")),
        ),
    ),
    NavSection(
        _("Automation"),
        (
            NavPage("/playbooks", _("Playbooks")),
            NavPage("/guides", _("In-app guides")),
            NavPage("/announcements", _("Portal announcements")),
            NavPage("/knowledge", _("Knowledge base")),
            NavPage("/community", _("Community")),
            NavPage("/webinars", _("Events and webinars")),
        ),
    ),
    NavSection(
        _("Reports"),
        (
            NavPage("/dashboard", _("Dashboard")),
            NavPage("/kpis", _("KPIs")),
            NavPage("/funnel", _("Funnel")),
        ),
    ),
    NavSection(
        _("Settings"), (NavPage("/imports", _("Import")), NavPage("/settings", _("Settings")))
    ),
)

# Pages reached from a section's pages, not listed themselves: the section they belong to.
_BELOW = {"/metrics": "/kpis", "/voice": "/voice/comments"}


def sections_for(role: Role) -> list[NavSection]:
    """The sections and pages that ``role`` sees, in order."""
    seen = [
        NavSection(s.label, tuple(p for p in s.pages if role not in p.hidden_from))
        for s in SECTIONS
    ]
    return [s for s in seen if s.pages]


def pages_for(role: Role) -> list[NavPage]:
    """Every page of the navigation that ``role`` sees, in order."""
    return [p for s in sections_for(role) for p in s.pages]


def current(path: str) -> tuple[NavSection, NavPage | None]:
    """The section the page at ``path`` is in, and its entry when it is one (the longest
    matching prefix); an unknown path is in the home section."""
    best: tuple[int, NavSection, NavPage | None] = (0, SECTIONS[0], None)
    for section in SECTIONS:
        for page in section.pages:
            href = page.href
            if path == href:
                return section, page
            if href != "/" and path.startswith(href + "/") and len(href) > best[0]:
                best = (len(href), section, page)
    if best[2] is None:
        for prefix, href in _BELOW.items():
            if path.startswith(prefix):
                return current(href)[0], None
    return best[1], best[2]
