"""A real OpenID Connect provider on loopback, for the single sign-on tests.

Authlib's server side does the protocol (authorization code grant, PKCE, the OpenID Connect
code extension that signs the ID token); the standard library serves it over HTTP in a
thread. It signs with an RSA key generated here, so nothing is downloaded. The test says who
signs in next (``provider.person``), and can make the provider misbehave the ways a hostile
or broken one would (``sign_with`` another key, ``claims_override``).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey

CLIENT_ID = "kasasu-test"
CLIENT_SECRET = "kasasu-test-secret-of-some-length"


@dataclass
class Person:
    """Who is signed in at the provider: the claims of their ID token."""

    sub: str
    email: str
    name: str = "Test Person"
    groups: list[str] = field(default_factory=list)
    email_verified: bool = True


@dataclass
class _Client(ClientMixin):
    redirect_uris: list[str]

    def get_client_id(self) -> str:
        return CLIENT_ID

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in {"openid", "email", "profile"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # A registered client names its exact callback; the test's port is only known late.
        return redirect_uri.startswith("http://127.0.0.1:")

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, CLIENT_SECRET)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in {"client_secret_basic", "client_secret_post"}

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class _Code(AuthorizationCodeMixin):
    code: str
    redirect_uri: str
    scope: str
    nonce: str | None
    challenge: str | None
    challenge_method: str | None
    person: Person
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class _Request(OAuth2Request):
    def __init__(self, method: str, uri: str, headers: dict[str, str], form: dict[str, str]):
        super().__init__(method, uri, headers=headers)
        query = {k: v[0] for k, v in parse_qs(urlsplit(uri).query).items()}
        self._args, self._form = query, form
        self.payload = BasicOAuth2Payload({**query, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class Provider(AuthorizationServer):
    """The authorization server: clients, codes and signing keys live in memory."""

    def __init__(self) -> None:
        super().__init__(scopes_supported=["openid", "email", "profile"])
        self.issuer = ""  # set once the port is known
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key", "use": "sig"})
        # The key that signs ID tokens: another one makes them forgeries.
        self.sign_with = self.key
        self.person: Person | None = None  # None: the person declines (error=access_denied)
        self.claims_override: dict[str, Any] = {}
        self.client = _Client(redirect_uris=[])
        self.codes: dict[str, _Code] = {}
        self.register_token_generator(
            "default", BearerTokenGenerator(lambda **_kw: secrets.token_urlsafe(32))
        )
        provider = self

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
                payload = request.payload
                provider.codes[code] = _Code(
                    code=code,
                    redirect_uri=payload.redirect_uri,
                    scope=request.scope,
                    nonce=payload.data.get("nonce"),
                    challenge=payload.data.get("code_challenge"),
                    challenge_method=payload.data.get("code_challenge_method"),
                    person=request.user,
                )

            def query_authorization_code(self, code: str, client: _Client) -> _Code | None:
                return provider.codes.get(code)

            def delete_authorization_code(self, authorization_code: _Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: _Code) -> Person:
                return authorization_code.person

        class Challenge(CodeChallenge):
            def get_authorization_code_challenge(self, authorization_code: _Code) -> str | None:
                return authorization_code.challenge

            def get_authorization_code_challenge_method(self, authorization_code: _Code) -> Any:
                return authorization_code.challenge_method

        class Code(OpenIDCode):
            def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
                return any(c.nonce == nonce for c in provider.codes.values())

            def resolve_client_private_key(self, client: _Client) -> RSAKey:
                return provider.sign_with

            def get_client_algorithm(self, client: _Client) -> str:
                return "RS256"

            def get_encode_header(self, client: _Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": "test-key"}

            def get_client_claims(self, client: _Client) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [CLIENT_ID]}

            def generate_user_info(self, user: Person, scope: str) -> UserInfo:
                info = UserInfo(sub=user.sub, name=user.name, groups=user.groups)
                if "email" in scope:
                    info.update(email=user.email, email_verified=user.email_verified)
                info.update(provider.claims_override)
                return info

        self.register_grant(CodeGrant, [Challenge(required=True), Code(require_nonce=True)])

    def query_client(self, client_id: str) -> _Client | None:
        return self.client if client_id == CLIENT_ID else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        return None

    def create_oauth2_request(self, request: _Request) -> _Request:
        return request

    def handle_response(
        self, status: int, body: Any, headers: list[tuple[str, str]]
    ) -> tuple[int, Any, list[tuple[str, str]]]:
        return status, body, headers

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "email", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "code_challenge_methods_supported": ["S256"],
        }


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
            return None

        def _answer(self, status: int, body: Any, headers: list[tuple[str, str]]) -> None:
            data = json.dumps(body).encode() if isinstance(body, dict) else str(body).encode()
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            if isinstance(body, dict) and not any(n.lower() == "content-type" for n, _ in headers):
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _request(self, form: dict[str, str]) -> _Request:
            return _Request(self.command, provider.issuer + self.path, dict(self.headers), form)

        def do_GET(self) -> None:
            route = urlsplit(self.path).path
            if route == "/.well-known/openid-configuration":
                self._answer(200, provider.metadata(), [])
            elif route == "/jwks":
                self._answer(200, {"keys": [provider.key.as_dict(private=False)]}, [])
            elif route == "/authorize":
                request = self._request({})
                grant = provider.get_consent_grant(request, end_user=provider.person)
                self._answer(
                    *provider.create_authorization_response(request, provider.person, grant)
                )
            else:
                self._answer(404, {"error": "not_found"}, [])

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            if urlsplit(self.path).path == "/token":
                self._answer(*provider.create_token_response(self._request(form)))
            else:
                self._answer(404, {"error": "not_found"}, [])

    return Handler


@contextmanager
def running_provider() -> Iterator[Provider]:
    """Serve a provider on a free port of 127.0.0.1 until the block ends."""
    provider = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.issuer = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
