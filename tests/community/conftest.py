"""The portal's fixtures (a signed-in contact by magic link from a local SMTP server)."""

from tests.playbooks.conftest import smtp, sqlite_engine
from tests.portal.conftest import companies, portal, portal_limits
from tests.web.conftest import web_app

__all__ = ["companies", "portal", "portal_limits", "smtp", "sqlite_engine", "web_app"]
