"""A sample product that embeds the Kasasu SDK: serves index.html with the user, account and
the identity signature its server computes (HMAC-SHA256 of "account:user" with the SDK
environment's secret, which never reaches the browser). Standard library only.

    python examples/host-app/server.py --port 8100 --kasasu http://127.0.0.1:8000 \\
        --key pk_... --secret ... --account ACC-0001 --user u-42
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = Path(__file__).with_name("index.html")


class Product(BaseHTTPRequestHandler):
    def __init__(self, *args: object, values: dict[str, str], **kwargs: object) -> None:
        self.values = values
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def do_GET(self) -> None:
        if self.path not in ("/", "/index.html"):
            self.send_error(404)
            return
        html = PAGE.read_text(encoding="utf-8")
        for name, value in self.values.items():
            html = html.replace("{{" + name + "}}", value)
        body = html.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:  # quiet
        return


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    for name in ("kasasu", "key", "secret", "account", "user"):
        parser.add_argument(f"--{name}", required=True)
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    signature = hmac.new(
        args.secret.encode(), f"{args.account}:{args.user}".encode(), hashlib.sha256
    ).hexdigest()
    values = {"kasasu": args.kasasu.rstrip("/"), "key": args.key, "account": args.account,
              "user": args.user, "signature": signature}  # fmt: skip
    server = ThreadingHTTPServer(("127.0.0.1", args.port), partial(Product, values=values))
    server.serve_forever()


if __name__ == "__main__":
    main()
