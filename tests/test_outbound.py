"""Addresses people type in reach only the public internet: every internal class is refused,
also behind a host name and inside IPv6 forms that stand for an IPv4 address."""

from __future__ import annotations

import ipaddress

import pytest

from dialog.outbound import RefusedAddress, checked_address, refused_reason


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.0.0.1", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("fec0::1", "private"),
        ("169.254.169.254", "link-local"),  # the cloud metadata service
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "not public"),  # carrier-grade NAT
        ("192.0.2.7", "private"),  # documentation range
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "tunnel"),  # Teredo
    ],
)
def test_an_internal_address_is_refused_with_its_class(address: str, reason: str) -> None:
    assert refused_reason(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize(
    "address", ["185.199.108.1", "2a00:1450:4001:80b::200e", "64:ff9b::b9c7:6c01"]
)
def test_a_public_address_is_allowed(address: str) -> None:
    assert refused_reason(ipaddress.ip_address(address)) is None


async def test_a_host_name_that_resolves_to_loopback_is_refused() -> None:
    with pytest.raises(RefusedAddress) as refused:
        await checked_address("localhost", 443, allow_private=False)
    assert refused.value.reason == "loopback"


async def test_a_host_name_that_cannot_be_resolved_is_refused() -> None:
    with pytest.raises(RefusedAddress) as refused:
        await checked_address("no-such-host.invalid", 443, allow_private=False)
    assert refused.value.reason == "cannot be found"


async def test_the_setting_lets_a_private_address_through_as_resolved() -> None:
    address = await checked_address("localhost", 443, allow_private=True)
    assert address == ipaddress.ip_address("127.0.0.1")


async def test_an_address_literal_in_brackets_is_checked_as_itself() -> None:
    with pytest.raises(RefusedAddress):
        await checked_address("[::ffff:169.254.169.254]", 443, allow_private=False)
