"""The portal's navigation: one list, in order. The knowledge base, the community and events
add their entry here (their pages take ``portal_viewer`` like the others)."""

from __future__ import annotations

from dataclasses import dataclass

from kasasu.kit.i18n import Message, _


@dataclass(frozen=True)
class PortalPage:
    href: str
    label: Message


PORTAL_NAV: list[PortalPage] = [
    PortalPage("/portal", _("Home")),
    PortalPage("/portal/requests", _("Your requests")),
    PortalPage("/portal/announcements", _("Announcements")),
    PortalPage("/portal/surveys", _("Surveys")),
    PortalPage("/portal/community", _("Community")),
    PortalPage("/portal/events", _("Events")),
    # Knowledge base, Community and Events: appended by their slices' pages.
]


def portal_current(path: str) -> PortalPage | None:
    """The entry the page at ``path`` is under (the longest matching prefix)."""
    best: PortalPage | None = None
    for page in PORTAL_NAV:
        under = path == page.href or path.startswith(page.href + "/")
        if under and (best is None or len(page.href) > len(best.href)):
            best = page
    return best
