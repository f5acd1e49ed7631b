"""Requests to addresses that people type in (a department's webhook) reach only the public
internet: never this host, the city's internal networks or a cloud's metadata service.

A host name is resolved and every address it resolves to is checked; the request then goes to
the checked address itself (with the name kept in the Host header and for TLS), so a second,
different DNS answer ("DNS rebinding") cannot redirect it. DIALOG_WEBHOOK_ALLOW_PRIVATE lets a
deployment reach a relay on its own network (and the tests a receiver on loopback).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from ipaddress import IPv4Address, IPv6Address

IPAddress = IPv4Address | IPv6Address

NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedAddress(Exception):
    """The target is not a public address (`reason` names the class), or cannot be found."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host}: {reason}")
        self.host = host
        self.reason = reason


def refused_reason(ip: IPAddress) -> str | None:
    """Why a request must not go to this address, or None for a public one."""
    if isinstance(ip, IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return refused_reason(embedded)
        if ip.teredo is not None:
            return "tunnel"
        if ip.is_site_local:
            return "private"
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("not public", not ip.is_global),
    )
    return next((name for name, applies in checks if applies), None)


def _embedded_ipv4(ip: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 one stands for (mapped, 6to4, NAT64), which decides."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in NAT64:
        return IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


async def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the name stands for (an address literal stands for itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise RefusedAddress(host, "cannot be found") from error
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found]
    if not addresses:
        raise RefusedAddress(host, "cannot be found")
    return addresses


async def checked_address(host: str, port: int, *, allow_private: bool) -> IPAddress:
    """The address to connect to: the first the name resolves to, once all of them are
    public (one internal answer among public ones refuses the whole name)."""
    addresses = await resolve(host, port)
    if not allow_private:
        for address in addresses:
            reason = refused_reason(address)
            if reason is not None:
                raise RefusedAddress(host, reason)
    return addresses[0]
