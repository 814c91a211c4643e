"""The address of the client behind a request, and which forwarded headers to believe.

X-Forwarded-For and X-Forwarded-Proto are only as honest as whoever sent them. They are
believed only when the request comes straight from a proxy named in TRUSTED_PROXIES;
from anyone else they are a client's claim, and ignored. (django-ipware would match its
trusted proxies against the addresses inside the header rather than against the peer that
actually connected, which is the one fact a client cannot forge.)
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST")


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in trusted)


def _parse(value: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _is_trusted(address: IPAddress, networks: Iterable[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def trusted_networks() -> tuple[IPNetwork, ...]:
    return _networks(tuple(settings.TRUSTED_PROXIES))


def comes_from_trusted_proxy(request: HttpRequest) -> bool:
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    return peer is not None and _is_trusted(peer, trusted_networks())


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the connecting peer, or when the peer is a trusted proxy, the
    right-most address in X-Forwarded-For that is not itself a trusted proxy.

    Walking from the right matters: a client may put anything at the left of the header,
    and each proxy appends the address it saw, so only the entries added by our own proxies
    are facts. A malformed entry stops the walk at the last address we could trust.
    """
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    networks = trusted_networks()
    if not _is_trusted(peer, networks):
        return str(peer)
    client = peer
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([part for part in forwarded.split(",") if part.strip()]):
        hop = _parse(entry)
        if hop is None:
            break
        client = hop
        if not _is_trusted(hop, networks):
            break
    return str(client)


def axes_client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: django-axes counts failures per this address."""
    return client_address(request)


class UntrustedForwardedHeadersMiddleware:
    """Drop X-Forwarded-* headers that did not come from a trusted proxy.

    Django's SECURE_PROXY_SSL_HEADER believes X-Forwarded-Proto from anyone; with this
    middleware first, a client that reaches the app directly cannot claim HTTPS (nor a
    forwarded address or host) for itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not comes_from_trusted_proxy(request):
            for header in FORWARDED_HEADERS:
                request.META.pop(header, None)
        return self.get_response(request)
