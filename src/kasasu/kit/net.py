"""Where Kasasu may connect on a user's behalf (webhooks): one address guard.

A URL's host is resolved, and refused when any of its addresses is loopback, private,
link-local, multicast, reserved, unspecified, a cloud metadata address, or otherwise not
public — unless the operator listed the host name, the address or its network. The caller
then connects to the address that was checked (``ResolvedTarget.url``), never resolving the
name again, so a name that answers differently a second time (DNS rebinding) cannot slip
an internal address in between the check and the connection (security review F9).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from kasasu.kit.i18n import Message, _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Instance metadata services (AWS, GCP, Azure, OpenStack; AWS over IPv6; Alibaba).
METADATA = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
DEFAULT_PORTS = {"http": 80, "https": 443}


class UnsafeTarget(ValueError):
    """A URL Kasasu will not connect to; ``reason`` says why, in either language."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason.render("en"))
        self.reason = reason


class Unresolvable(UnsafeTarget):
    """The host name does not resolve (now): nothing was connected to."""


@dataclass(frozen=True)
class ResolvedTarget:
    url: str  # the URL with the checked address in place of the name
    address: str
    host_header: str  # the Host header the server expects (the name, and a port if given)
    sni_hostname: str | None  # for https: the name the certificate must be for


def parse_allowed(entries: Iterable[str]) -> frozenset[str]:
    """Host names (lower case), addresses and networks (``10.0.0.0/8``), checked; a bad
    network raises ``ValueError``."""
    allowed = set()
    for entry in (e.strip().lower() for e in entries):
        if not entry:
            continue
        if "/" in entry or _is_address(entry):
            ipaddress.ip_network(entry.strip("[]"), strict=False)
        allowed.add(entry.strip("[]") if _is_address(entry.strip("[]")) else entry)
    return frozenset(allowed)


def check_address(address: str, allowed: frozenset[str]) -> Message | None:
    """Why ``address`` is refused, or None when Kasasu may connect to it."""
    ip = _unmapped(ipaddress.ip_address(address))
    if any(ip in network for network in _networks(allowed)):
        return None
    kind = _kind(ip)
    if kind is None:
        return None
    return _("the address {address} is {kind}", address=str(ip), kind=kind)


def resolve_target(url: str, allowed: frozenset[str]) -> ResolvedTarget:
    """Resolve the URL's host and check every address; the first one to connect to."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in DEFAULT_PORTS or not host:
        raise UnsafeTarget(_("only http and https URLs with a host name are allowed"))
    port = parts.port or DEFAULT_PORTS[parts.scheme]
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Unresolvable(_("the host {host} does not resolve", host=host)) from exc
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    if host not in allowed:
        for address in addresses:
            reason = check_address(address, allowed)
            if reason is not None:
                raise UnsafeTarget(reason)
    address = addresses[0]
    literal = f"[{address}]" if ":" in address else address
    netloc = f"{literal}:{port}"
    header = host if parts.port is None else f"{host}:{parts.port}"
    if ":" in host:
        header = f"[{host}]" if parts.port is None else f"[{host}]:{parts.port}"
    return ResolvedTarget(
        url=urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")),
        address=address,
        host_header=header,
        sni_hostname=host if parts.scheme == "https" else None,
    )


def _kind(ip: IPAddress) -> Message | None:
    checks = (
        (ip in METADATA, _("a cloud metadata address")),
        (ip.is_loopback, _("loopback")),
        (ip.is_unspecified, _("unspecified")),
        (ip.is_link_local, _("link-local")),
        (ip.is_multicast, _("multicast")),
        (ip.is_reserved, _("reserved")),
        (ip.is_private, _("private")),
        (not ip.is_global, _("not public")),
    )
    return next((kind for refused, kind in checks if refused), None)


def _unmapped(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _networks(allowed: frozenset[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for entry in allowed:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue  # a host name
    return networks


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
