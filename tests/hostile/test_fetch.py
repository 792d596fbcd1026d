"""The guarded fetcher (reader/fetch.py): it reaches public addresses only, for every
address a name resolves to and after every redirect, connects to the address it checked,
caps size and time, takes only HTML, text and PDF, and sends no cookie or credential.

A local HTTP server on 127.0.0.1 plays the outside world, let through by the test-only
setting READER_FETCH_ALLOW_LOOPBACK_FOR_TESTS; names are resolved by a stand-in for
socket.getaddrinfo where a test needs a name to point somewhere."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reader import fetch
from reader.fetch import FetchRefused
from reader.models import Document
from tests.sourcefiles import SAVED_PAGE, make_pdf

REAL_GETADDRINFO = socket.getaddrinfo

# Every class of address the guard refuses, in the forms an attacker would write them.
REFUSED_LITERALS = {
    "loopback": ["127.0.0.1", "127.1.2.3", "[::1]", "2130706433", "0x7f.1", "127.1"],
    "unspecified": ["0.0.0.0", "[::]", "0"],
    "private": ["10.0.0.1", "172.16.5.4", "192.168.1.1", "[fd00::1]", "[fc00::1]"],
    "link-local": ["169.254.1.1", "[fe80::1]"],
    "metadata": ["169.254.169.254", "[fd00:ec2::254]", "100.100.100.200"],
    "shared": ["100.64.0.1"],
    "reserved": ["240.0.0.1", "255.255.255.255"],
    "multicast": ["224.0.0.1", "[ff02::1]"],
    "documentation": ["192.0.2.1", "[2001:db8::1]"],
    "ipv4-mapped": ["[::ffff:127.0.0.1]", "[::ffff:169.254.169.254]", "[::ffff:10.0.0.1]"],
    "6to4 and nat64": ["[2002:7f00:1::]", "[2002:a9fe:a9fe::]", "[64:ff9b::a9fe:a9fe]"],
}
LITERALS = [(kind, host) for kind, hosts in REFUSED_LITERALS.items() for host in hosts]
# What a hostile name may resolve to (among others that are public).
REFUSED_ADDRESSES = [
    "127.0.0.1",
    "10.1.2.3",
    "169.254.169.254",
    "::1",
    "fd00:ec2::254",
    "::ffff:127.0.0.1",
    "fe80::1%eth0",
    "0.0.0.0",
]
PUBLIC = "93.184.215.14"


class Handler(BaseHTTPRequestHandler):
    """Paths: /page (HTML), /report.pdf, /redirect?to=..., /big, /slow, /image, /echo."""

    seen: list[dict] = []

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        Handler.seen.append({"path": self.path, "headers": dict(self.headers)})
        if self.path.startswith("/redirect?to="):
            self.send_response(302)
            self.send_header("Location", self.path.split("=", 1)[1])
            self.end_headers()
            return
        body, kind = {
            "/page": (SAVED_PAGE, "text/html; charset=utf-8"),
            "/report.pdf": (make_pdf(["Fetched PDF text."], title="Fetched"), "application/pdf"),
            "/plain": (b"Plain text from afar.\n", "text/plain"),
            "/image": (b"\x89PNG", "image/png"),
            "/big": (b"x" * 3000, "text/plain"),
        }.get(self.path, (b"missing", "text/plain"))
        self.send_response(404 if body == b"missing" else 200)
        self.send_header("Content-Type", kind)
        if self.path != "/big":
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server(settings):
    settings.READER_FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.seen = []
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def resolver(monkeypatch):
    """Names resolve to what a test says; the calls are counted; connecting anywhere but
    127.0.0.1 (the test server) fails the test."""
    names: dict[str, list[str]] = {}
    calls: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        if host not in names:
            return REAL_GETADDRINFO(host, port, *args, **kwargs)
        return [
            (
                socket.AF_INET6 if ":" in address else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (address, port, 0, 0) if ":" in address else (address, port),
            )
            for address in names[host]
        ]

    real_connect = socket.socket.connect

    def connect(sock, address):
        assert address[0] == "127.0.0.1", f"connected to {address}"
        return real_connect(sock, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    return names, calls


@pytest.fixture
def nowhere(monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError(f"connected to {args[:1]}")

    monkeypatch.setattr(socket, "create_connection", refused)
    monkeypatch.setattr(socket.socket, "connect", refused)


@pytest.mark.parametrize(("kind", "host"), LITERALS, ids=[h for _, h in LITERALS])
def test_every_refused_class_of_address_is_refused_before_connecting(nowhere, kind, host):
    with pytest.raises(FetchRefused, match="Reader does not fetch from there"):
        fetch.fetch(f"http://{host}/latest/meta-data/")


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "2130706433", "[::ffff:127.0.0.1]"])
def test_the_test_setting_lets_through_only_127_0_0_1(settings, nowhere, host):
    settings.READER_FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    if host in {"127.0.0.1", "2130706433"}:
        with pytest.raises(AssertionError, match="connected to"):
            fetch.fetch(f"http://{host}/")
    else:
        with pytest.raises(FetchRefused, match="does not fetch from there"):
            fetch.fetch(f"http://{host}/")


@pytest.mark.parametrize("address", REFUSED_ADDRESSES)
def test_a_name_is_refused_when_any_address_it_resolves_to_is_refused(resolver, nowhere, address):
    names, _ = resolver
    names["news.example"] = [PUBLIC, address]
    with pytest.raises(FetchRefused, match="“news.example” points at"):
        fetch.fetch("http://news.example/story")


def test_a_page_is_fetched_from_the_address_checked_with_no_second_lookup(server, resolver):
    names, calls = resolver
    port = server.rsplit(":", 1)[1]
    names["news.example"] = ["127.0.0.1"]
    fetched = fetch.fetch(f"http://news.example:{port}/page")
    assert fetched.data == SAVED_PAGE
    assert (fetched.content_type, fetched.suffix) == ("text/html", ".html")
    assert calls == ["news.example"]
    headers = Handler.seen[-1]["headers"]
    assert headers["Host"] == f"news.example:{port}"
    assert not {"Cookie", "Authorization", "Proxy-Authorization"} & set(headers)


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fd00:ec2::254]/",
        "http://internal.example/",
        "file:///etc/passwd",
        "gopher://127.0.0.1:25/",
    ],
)
def test_redirects_to_refused_addresses_are_refused(server, resolver, target):
    names, _ = resolver
    names["internal.example"] = ["10.0.0.7"]
    with pytest.raises(FetchRefused, match="does not fetch from there|Only http and https"):
        fetch.fetch(f"{server}/redirect?to={target}")
    assert len(Handler.seen) == 1


def test_redirects_within_the_allowed_are_followed_but_not_forever(server):
    assert fetch.fetch(f"{server}/redirect?to=/plain").data == b"Plain text from afar.\n"
    loop = f"{server}{'/redirect?to=' * 6}/plain"
    with pytest.raises(FetchRefused, match="redirects more than"):
        fetch.fetch(loop)


def test_only_html_text_and_pdf_are_accepted(server):
    assert fetch.fetch(f"{server}/report.pdf").suffix == ".pdf"
    with pytest.raises(FetchRefused, match="image/png"):
        fetch.fetch(f"{server}/image")
    with pytest.raises(FetchRefused, match="answered 404"):
        fetch.fetch(f"{server}/nothing")


def test_size_is_capped_declared_or_not(server, settings):
    settings.READER_MAX_SOURCE_BYTES = 1000
    with pytest.raises(FetchRefused, match="larger than 1,000 bytes"):
        fetch.fetch(f"{server}/big")  # no Content-Length: counted while reading
    with pytest.raises(FetchRefused, match="larger than 1,000 bytes"):
        fetch.fetch(f"{server}/page")  # declared


def test_time_is_capped(settings):
    """A server that accepts and never answers: the fetch gives up after the cap."""
    settings.READER_FETCH_ALLOW_LOOPBACK_FOR_TESTS = True
    settings.READER_FETCH_SECONDS = 0.5
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        with pytest.raises(FetchRefused, match="longer than 0.5 seconds"):
            fetch.fetch(f"http://127.0.0.1:{listener.getsockname()[1]}/")
    finally:
        listener.close()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://user:secret@news.example/", "user name or password"),
        ("ftp://news.example/", "Only http and https"),
        ("javascript:alert(1)", "Only http and https"),
        ("http:///nohost", "no host name"),
        ("http://news.example:99999/", "could not be fetched"),
        ("http://no-such-host.invalid/", "could not be resolved"),
    ],
)
def test_odd_addresses_are_refused(nowhere, url, message):
    with pytest.raises(FetchRefused, match=message):
        fetch.fetch(url)


# Through the form.


def test_the_form_fetches_only_when_the_setting_is_on(client, bob, project, server, settings):
    client.force_login(bob)
    data = {"language": "en", "url": f"{server}/page", "new_outlet": "W"}
    url = reverse("reader:document_create", args=[project.slug])
    response = client.post(url, data)
    assert response.status_code == 400  # no such field: nothing given, nothing fetched
    assert Handler.seen == []
    settings.READER_FETCH_URLS = True
    response = client.post(url, data)
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["title"] == "Strike kills 33 Turkish soldiers"
    assert initial["origin"] == "https://wire.example/2020/02/strike"
    assert "Cookie policy" not in initial["text"]
    assert not Document.objects.exists()
    headers = Handler.seen[-1]["headers"]
    assert "Cookie" not in headers  # the user's session cookie is not passed on


def test_the_form_says_why_an_address_is_refused(client, bob, project, settings, nowhere):
    settings.READER_FETCH_URLS = True
    client.force_login(bob)
    url = reverse("reader:document_create", args=[project.slug])
    response = client.post(
        url, {"language": "en", "url": "http://169.254.169.254/", "new_outlet": "W"}
    )
    assert response.status_code == 400
    assert "cloud metadata address" in response.content.decode()


def test_a_fetched_pdf_is_previewed(client, bob, project, server, settings):
    settings.READER_FETCH_URLS = True
    client.force_login(bob)
    url = reverse("reader:document_create", args=[project.slug])
    response = client.post(url, {"language": "en", "url": f"{server}/report.pdf"})
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert (initial["title"], initial["text"]) == ("Fetched", "Fetched PDF text.")
    assert initial["origin"] == f"{server}/report.pdf"


def test_a_file_and_an_address_together_are_refused(client, bob, project, settings, nowhere):
    settings.READER_FETCH_URLS = True
    client.force_login(bob)
    url = reverse("reader:document_create", args=[project.slug])
    upload = SimpleUploadedFile("a.txt", b"A")
    response = client.post(url, {"language": "en", "url": "http://x.example/", "file": upload})
    assert response.status_code == 400
    assert "one of them" in response.content.decode()
