"""A sample product that embeds the Kasasu SDK: serves index.html with the user, account and
the identity signature its server computes (HMAC-SHA256 of "account:user" with the SDK
environment's secret, which never reaches the browser). Standard library only.

A real product signs the user its own sign-in established; this sample has no sign-in, so
``/?account=ACC-0002&user=u-7`` plays another user (to try targeting).

    python examples/host-app/server.py --port 8100 --kasasu http://127.0.0.1:8000 \\
        --key pk_... --secret ... --account ACC-0001 --user u-42
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
from functools import partial
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAGE = Path(__file__).with_name("index.html")


class Product(BaseHTTPRequestHandler):
    def __init__(
        self, *args: object, values: dict[str, str], secret: str, **kwargs: object
    ) -> None:
        self.values, self.secret = values, secret
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path not in ("/", "/index.html", "/reports"):
            self.send_error(404)
            return
        asked = {k: v[0] for k, v in parse_qs(url.query).items() if k in ("account", "user")}
        values = {**self.values, **asked}
        values["signature"] = sign(self.secret, values["account"], values["user"])
        html = PAGE.read_text(encoding="utf-8")
        for name, value in values.items():
            html = html.replace("{{" + name + "}}", escape(value))
        body = html.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:  # quiet
        return


def sign(secret: str, account: str, user: str) -> str:
    return hmac.new(secret.encode(), f"{account}:{user}".encode(), hashlib.sha256).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("kasasu", "key", "secret", "account", "user"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    values = {"kasasu": args.kasasu.rstrip("/"), "key": args.key, "account": args.account,
              "user": args.user}  # fmt: skip
    handler = partial(Product, values=values, secret=args.secret)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
