"""Security review F9: webhook targets are resolved, and refused when any address is
loopback, private, link-local, multicast, reserved or a cloud metadata address, unless the
operator lists the host (or its network) in KASASU_PLAYBOOKS__WEBHOOK_HOSTS."""

from __future__ import annotations

import pytest

from kasasu.kit.net import UnsafeTarget, check_address, resolve_target


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4 inside IPv6
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd12::1", "private"),
        ("169.254.169.254", "cloud metadata"),
        ("fd00:ec2::254", "cloud metadata"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not public"),  # carrier-grade NAT
    ],
)
def test_internal_addresses_are_refused(address: str, kind: str) -> None:
    reason = check_address(address, frozenset())
    assert reason is not None
    assert kind in reason.render("en")
    assert reason.render("ja") != reason.render("en")


def test_public_addresses_pass_and_the_allow_list_opens_a_network() -> None:
    assert check_address("93.184.215.14", frozenset()) is None
    assert check_address("2606:2800:21f:cb07:6820:80da:af6b:8b2c", frozenset()) is None
    assert check_address("127.0.0.1", frozenset({"127.0.0.1"})) is None
    assert check_address("10.1.2.3", frozenset({"10.0.0.0/8"})) is None
    assert check_address("10.1.2.3", frozenset({"10.9.0.0/16"})) is not None


def test_a_target_is_resolved_and_pinned_to_its_checked_address() -> None:
    with pytest.raises(UnsafeTarget) as refused:
        resolve_target("http://localhost:8101/api/v1/accounts", frozenset())
    assert "loopback" in refused.value.reason.render("en")
    with pytest.raises(UnsafeTarget):
        resolve_target("http://169.254.169.254/latest/meta-data/", frozenset())
    with pytest.raises(UnsafeTarget):
        resolve_target("http://[::ffff:a9fe:a9fe]/", frozenset())  # 169.254.169.254
    # Allowed by name: the address it resolved to is the one connected to.
    target = resolve_target("http://localhost:8101/hook?x=1", frozenset({"localhost"}))
    assert target.address in {"127.0.0.1", "::1"}
    assert target.url in {"http://127.0.0.1:8101/hook?x=1", "http://[::1]:8101/hook?x=1"}
    assert target.host_header == "localhost:8101"
    assert target.sni_hostname is None
    pinned = resolve_target("https://127.0.0.1/hook", frozenset({"127.0.0.0/8"}))
    assert (pinned.url, pinned.host_header) == ("https://127.0.0.1:443/hook", "127.0.0.1")
    assert pinned.sni_hostname == "127.0.0.1"


def test_names_that_do_not_resolve_or_urls_without_host_are_refused() -> None:
    with pytest.raises(UnsafeTarget) as unknown:
        resolve_target("http://no-such-host.invalid/", frozenset())
    assert "resolve" in unknown.value.reason.render("en")
    with pytest.raises(UnsafeTarget):
        resolve_target("file:///etc/passwd", frozenset())
