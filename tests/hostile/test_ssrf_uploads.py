"""No server-side fetching of URLs a user gives (no SSRF surface) outside the one guarded
fetcher, reader/fetch.py, which is off by default (its own tests are in test_fetch.py), and
uploaded files are never written under a name the user chose."""

from __future__ import annotations

import ast
import json
import socket
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files import uploadedfile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.urls import reverse

from reader.models import Annotation, Document, PendingImport

READER = Path(settings.BASE_DIR) / "reader"
# Modules that open connections to a URL or a host.
NETWORK_MODULES = {
    "aiohttp",
    "ftplib",
    "http.client",
    "httpx",
    "imaplib",
    "poplib",
    "pycurl",
    "requests",
    "smtplib",
    "socket",
    "telnetlib",
    "urllib.request",
    "urllib3",
    "xmlrpc.client",
}
NETWORK_CALLS = {"urlopen", "urlretrieve", "create_connection", "build_opener"}
INTERNAL = [
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:22/",
    "http://[::1]:6379/",
    "file:///etc/passwd",
    "gopher://127.0.0.1:25/_HELO",
]


# The one module that may open a connection: the guarded fetcher.
FETCHER = READER / "fetch.py"


def reader_modules() -> list[Path]:
    return sorted(p for p in READER.rglob("*.py") if "migrations" not in p.parts)


def test_no_module_of_reader_but_the_fetcher_can_open_a_connection():
    """Nothing in reader/ but reader/fetch.py imports a client for URLs or sockets, or
    calls one."""
    found = []
    for path in reader_modules():
        if path == FETCHER:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Attribute | ast.Name):
                name = node.attr if isinstance(node, ast.Attribute) else node.id
                if name in NETWORK_CALLS:
                    found.append(f"{path.relative_to(READER)}:{node.lineno} {name}")
            for name in names:
                if name in NETWORK_MODULES or name.split(".")[0] in NETWORK_MODULES:
                    found.append(f"{path.relative_to(READER)}:{node.lineno} imports {name}")
    assert found == []
    assert len(reader_modules()) > 20
    assert FETCHER in reader_modules()


def test_fetching_is_off_by_default():
    from reader import settings as defaults

    assert defaults.READER_FETCH_URLS is False
    assert not hasattr(defaults, "READER_FETCH_ALLOW_LOOPBACK_FOR_TESTS")


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to resolve a name or open a socket from Python fails the test."""
    attempts: list[str] = []

    def refuse(what):
        def refused(*args, **kwargs):
            attempts.append(f"{what}{args[:2]}")
            raise AssertionError(f"network access: {what}{args[:2]}")

        return refused

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    yield attempts
    assert attempts == []


def pointing_elsewhere(url: str) -> dict:
    """A W3C annotation whose every IRI points at an internal address."""
    return {
        "@context": [url, "http://www.w3.org/ns/anno.jsonld"],
        "id": url,
        "type": "Annotation",
        "creator": {"id": url, "type": "Person", "homepage": url, "nickname": "x"},
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": "claim"},
            {"type": "SpecificResource", "source": url, "purpose": "commenting", "value": url},
            {"id": url, "purpose": "describing"},
        ],
        "target": {
            "source": url,
            "type": "SpecificResource",
            "state": {"type": "HttpRequestState", "value": "Accept: text/html", "cached": url},
            "renderedVia": {"id": url},
            "selector": [
                {"type": "TextQuoteSelector", "exact": "33 soldiers"},
                {"type": "FragmentSelector", "value": url, "conformsTo": url},
            ],
        },
    }


@pytest.mark.parametrize("url", INTERNAL)
def test_importing_annotations_that_point_at_urls_fetches_none(
    client, alice, document, no_network, url
):
    client.force_login(alice)
    slug = document.project.slug
    raw = json.dumps([pointing_elsewhere(url)]).encode()
    upload = SimpleUploadedFile("a.json", raw, content_type="application/json")
    response = client.post(
        reverse("reader:import_upload", args=[slug]),
        {"kind": "w3c", "document": document.pk, "file": upload},
    )
    assert response.status_code == 302
    assert client.post(response["Location"]).status_code == 302
    # Its IRIs are kept as text where they are kept at all: verbatim, as it sent them.
    annotation = Annotation.objects.get(document=document)
    assert annotation.via == url and annotation.foreign["target"]["source"] == url
    assert {"id": url, "purpose": "describing"} in annotation.foreign["bodies"]


@pytest.mark.parametrize("url", INTERNAL[:2])
def test_the_api_fetches_nothing_a_posted_annotation_points_at(
    client, alice, document, no_network, url
):
    client.force_login(alice)
    api = reverse("reader:api_container", args=[document.project.slug, document.pk])
    body = json.dumps(pointing_elsewhere(url))
    response = client.post(api, body, content_type="application/ld+json")
    assert response.status_code == 201


def test_a_sources_origin_url_is_kept_as_text_not_fetched(client, alice, project, no_network):
    client.force_login(alice)
    data = {"new_outlet": "Wire", "language": "en", "text": "A text.", "origin": INTERNAL[0]}
    response = client.post(reverse("reader:document_create", args=[project.slug]), data)
    assert response.status_code == 302
    assert Document.objects.get(project=project).origin == INTERNAL[0]


def test_no_model_stores_a_file():
    """Uploads are read and kept in the database (a source's text, a pending import's
    JSON): no model has a FileField, so nothing is written to MEDIA_ROOT."""
    file_fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert file_fields == []


@pytest.fixture
def upload_dirs(settings, tmp_path, monkeypatch):
    """MEDIA_ROOT and Django's spool folder in a fresh folder, and the name of every file
    Django spools an upload to."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "spool"
    settings.MEDIA_ROOT.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()
    spooled: list[str] = []
    original = uploadedfile.TemporaryUploadedFile.__init__

    def recording(self, *args, **kwargs):
        original(self, *args, **kwargs)
        spooled.append(self.file.name)

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", recording)
    return tmp_path, spooled


HOSTILE_NAMES = [
    "../../../../tmp/pwned-by-name.txt",
    "..\\..\\pwned-by-name.txt",
    "/etc/cron.d/pwned-by-name.txt",
    "pwned-by-name.txt\x00.html",
    ".pwned-by-name.txt",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("size", [100, 6 * 1024 * 1024], ids=["in memory", "spooled"])
def test_an_uploaded_source_is_never_written_under_its_name(
    client, alice, project, upload_dirs, name, size
):
    """Under 5 MB an upload stays in memory; over it, Django spools it to a temporary file
    with a random name, in FILE_UPLOAD_TEMP_DIR, deleted after the request."""
    tmp_path, spooled = upload_dirs
    client.force_login(alice)
    content = (b"Soldiers were killed. " * (size // 22 + 1))[:size]
    upload = SimpleUploadedFile(name, content, content_type="text/plain")
    client.post(
        reverse("reader:document_create", args=[project.slug]),
        {"new_outlet": "Wire", "language": "en", "file": upload},
    )
    if size > settings.FILE_UPLOAD_MAX_MEMORY_SIZE:
        assert len(spooled) == 1
        assert Path(spooled[0]).parent == tmp_path / "spool"
        assert "pwned" not in Path(spooled[0]).name
    else:
        assert spooled == []
    leftovers = [str(p) for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []
    for folder in (Path("/tmp"), Path("/etc/cron.d"), Path(settings.BASE_DIR)):
        assert not folder.exists() or not list(folder.glob("*pwned-by-name*"))


def test_an_imports_file_name_is_kept_only_as_text(client, alice, document, upload_dirs):
    tmp_path, _ = upload_dirs
    client.force_login(alice)
    upload = SimpleUploadedFile("../../pwned-by-name.json", b"[]", content_type="application/json")
    response = client.post(
        reverse("reader:import_upload", args=[document.project.slug]),
        {"kind": "w3c", "document": document.pk, "file": upload},
    )
    assert response.status_code == 302
    assert PendingImport.objects.get().filename == "pwned-by-name.json"
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    assert not list(Path(settings.BASE_DIR).glob("pwned-by-name*"))
