"""The one module that opens a connection: fetching a page a user named, when the server
allows it (READER_FETCH_URLS, off by default).

Every address the host name resolves to must be public (not private, loopback, link-local,
reserved, multicast, unspecified, shared or a cloud metadata address, IPv4-mapped or
embedded forms included), or nothing is fetched; the connection goes to the address that
was checked (no second lookup), with the name in the Host header and for TLS. Redirects are
followed by hand, each checked the same way. Size and time are capped, only HTML, text and
PDF are accepted, and no cookie or credential is ever sent."""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

MAX_REDIRECTS = 5
USER_AGENT = "Reader (source fetcher)"
ALLOWED_TYPES = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
}
METADATA = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, OpenStack...
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba
}

ERROR_SCHEME = "Only http and https addresses can be fetched."
ERROR_CREDENTIALS = "An address with a user name or password is not fetched."
ERROR_NO_HOST = "The address has no host name."
ERROR_RESOLVE = "The host name “{host}” could not be resolved."
ERROR_REFUSED_ADDRESS = "“{host}” points at {address}, {why}: Reader does not fetch from there."
ERROR_TOO_MANY_REDIRECTS = f"The page redirects more than {MAX_REDIRECTS} times."
ERROR_STATUS = "The server answered {status}, not the page."
ERROR_TYPE = "The page is {type}; Reader accepts HTML, plain text and PDF."
ERROR_TOO_BIG = "The page is larger than {limit:,} bytes."
ERROR_TIMEOUT = "The page took longer than {seconds} seconds."
ERROR_CONNECT = "The page could not be fetched ({reason})."


class FetchRefused(ValueError):
    """A URL that is not fetched, or a fetch that failed; the message is for the user."""


@dataclass(frozen=True)
class Fetched:
    url: str  # after redirects
    content_type: str
    suffix: str  # what the content type reads as: .html, .txt or .pdf
    data: bytes


def address_refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why the address is not fetched from, or None when it is a public unicast one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if embedded is not None:
            why = address_refusal(embedded)
            return f"{why} (inside an IPv6 address)" if why else None
        if address in ipaddress.ip_network("64:ff9b::/96"):  # NAT64 of an IPv4 address
            return address_refusal(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    if address in METADATA:
        return "a cloud metadata address"
    checks = [
        ("is_loopback", "a loopback address"),
        ("is_unspecified", "an unspecified address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ]
    for attribute, why in checks:
        if getattr(address, attribute):
            return why
    if not address.is_global:
        return "not a public address"
    return None


def _allowed_for_tests(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Tests run a server on 127.0.0.1; a test-only setting lets exactly that through."""
    return getattr(settings, "READER_FETCH_ALLOW_LOOPBACK_FOR_TESTS", False) and (
        address == ipaddress.ip_address("127.0.0.1")
    )


Sockaddr = tuple  # (host, port) or (host, port, flowinfo, scope_id), as getaddrinfo gives


def checked_address(host: str, port: int) -> tuple[int, Sockaddr]:
    """The first address `host` resolves to (family and socket address), once every one of
    them is checked."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefused(ERROR_RESOLVE.format(host=host)) from error
    if not infos:
        raise FetchRefused(ERROR_RESOLVE.format(host=host))
    for _family, _type, _proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        why = address_refusal(address)
        if why and not _allowed_for_tests(address):
            raise FetchRefused(ERROR_REFUSED_ADDRESS.format(host=host, address=address, why=why))
    return infos[0][0], infos[0][4]


def _connection(scheme: str, host: str, port: int, checked: tuple[int, Sockaddr], timeout: float):
    """An HTTP(S) connection to the checked address, naming `host` (Host header, TLS server
    name and certificate check): the socket is connected to that address itself, so the
    name is never resolved again."""
    family, sockaddr = checked

    def connect_to_checked(_address, timeout=timeout, source_address=None, **_):
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
        except BaseException:
            sock.close()
            raise
        return sock

    connection: http.client.HTTPConnection
    if scheme == "https":
        connection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)
    connection._create_connection = connect_to_checked  # type: ignore[attr-defined]
    return connection


def _get(url: str, *, deadline: float, limit: int) -> tuple[int, str, str, bytes]:
    """One request, no redirect followed: status, Location, content type, body (read only
    for a 200)."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise FetchRefused(ERROR_SCHEME)
    if parts.username is not None or parts.password is not None:
        raise FetchRefused(ERROR_CREDENTIALS)
    host = parts.hostname
    if not host:
        raise FetchRefused(ERROR_NO_HOST)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise FetchRefused(ERROR_CONNECT.format(reason=error)) from error
    checked = checked_address(host, port)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise FetchRefused(ERROR_TIMEOUT.format(seconds=settings.READER_FETCH_SECONDS))
    connection = _connection(parts.scheme, host, port, checked, remaining)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(
            "GET",
            path,
            headers={
                "User-Agent": USER_AGENT,
                "Accept": ", ".join(ALLOWED_TYPES),
                "Accept-Encoding": "identity",
            },
        )
        response = connection.getresponse()
        content_type = response.getheader("Content-Type", "").split(";")[0].strip().lower()
        location = response.getheader("Location", "")
        if response.status != 200:
            return response.status, location, content_type, b""
        if content_type not in ALLOWED_TYPES:
            raise FetchRefused(ERROR_TYPE.format(type=content_type or "of no stated type"))
        declared = response.getheader("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchRefused(ERROR_TOO_BIG.format(limit=limit))
        chunks, total = [], 0
        while chunk := response.read(64 * 1024):
            total += len(chunk)
            if total > limit:
                raise FetchRefused(ERROR_TOO_BIG.format(limit=limit))
            if time.monotonic() > deadline:
                raise FetchRefused(ERROR_TIMEOUT.format(seconds=settings.READER_FETCH_SECONDS))
            chunks.append(chunk)
        return 200, location, content_type, b"".join(chunks)
    except TimeoutError as error:
        raise FetchRefused(ERROR_TIMEOUT.format(seconds=settings.READER_FETCH_SECONDS)) from error
    except (OSError, http.client.HTTPException) as error:
        raise FetchRefused(ERROR_CONNECT.format(reason=error)) from error
    finally:
        connection.close()


def fetch(url: str) -> Fetched:
    """The page at `url`, through the guard; FetchRefused saying why not."""
    limit = settings.READER_MAX_SOURCE_BYTES
    deadline = time.monotonic() + settings.READER_FETCH_SECONDS
    for _ in range(MAX_REDIRECTS + 1):
        status, location, content_type, data = _get(url, deadline=deadline, limit=limit)
        if status in {301, 302, 303, 307, 308} and location:
            url = urljoin(url, location)
            continue
        if status != 200:
            raise FetchRefused(ERROR_STATUS.format(status=status))
        return Fetched(
            url=url, content_type=content_type, suffix=ALLOWED_TYPES[content_type], data=data
        )
    raise FetchRefused(ERROR_TOO_MANY_REDIRECTS)
