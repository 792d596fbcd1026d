"""The W3C Web Annotation Protocol (https://www.w3.org/TR/annotation-protocol/), driven over
HTTP against the real server (pytest-django's live_server), requirement by requirement.

REQUIREMENTS lists each MUST and SHOULD of the Recommendation that applies to a server, and
each assertion of the web-platform-tests `annotation-protocol/server/server-manual.html`
(tests/w3c-annotation-protocol/README.md says where it is and under which licence), in the
words of its source, with the check that shows Reader meets it. One test runs each.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph

from reader.formats import w3c
from reader.models import Annotation
from reader.services.projects import api_token_create
from reader.vocabularies import Role
from tests.conftest import MIXED_TEXT
from tests.factories import DocumentFactory, MembershipFactory, ProjectFactory, UserFactory

MEDIA_TYPE = "application/ld+json"
CONTAINER_TYPE_LINK = re.compile(
    r"<http://www.w3.org/ns/(ldp#BasicContainer|oa#AnnotationCollection)>; *rel=\"type\""
)
CONSTRAINED_BY = (
    '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
)
RESOURCE_TYPE_LINK = re.compile(r"<http://www.w3.org/ns/ldp#Resource>; *rel=\"type\"")
PREFER_MINIMAL = 'return=representation;include="http://www.w3.org/ns/ldp#PreferMinimalContainer"'
PREFER_IRIS = 'return=representation;include="http://www.w3.org/ns/oa#PreferContainedIRIs"'
ORIGIN = "https://annotator.example"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    raw: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name) or ""

    @property
    def body(self):
        return json.loads(self.raw) if self.raw else None


@dataclass
class Server:
    base: str
    token: str
    document: object
    container: str
    annotation: str

    def request(self, method: str, url: str, body=None, token: bool = True, **headers) -> Answer:
        parts = urllib.parse.urlsplit(url if url.startswith("http") else self.base + url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
        sent = {name.replace("_", "-"): value for name, value in headers.items()}
        if token:
            sent.setdefault("Authorization", f"Bearer {self.token}")
        data = None
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            sent.setdefault("Content-Type", w3c.MEDIA_TYPE)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        answer = Answer(response.status, response.headers, response.read())
        connection.close()
        return answer

    def get(self, url: str, **headers) -> Answer:
        return self.request("GET", url, **headers)

    def post(self, body, **headers) -> Answer:
        return self.request("POST", self.container, body, **headers)


def quoted(document, quote: str, kind: str = "claim", base: str = "") -> dict:
    """An annotation as a W3C client writes one: its quote and position, on the document's
    IRI (or, without `base`, on a copy of it elsewhere)."""
    start = document.text.index(quote)
    source = base + document.get_absolute_url() if base else "http://example.org/elsewhere"
    return {
        "@context": w3c.W3C_CONTEXT,
        "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": kind}],
        "target": {
            "source": source,
            "selector": [
                {"type": "TextQuoteSelector", "exact": quote},
                {"type": "TextPositionSelector", "start": start, "end": start + len(quote)},
            ],
        },
    }


# The suite's own annotation: a comment with no purpose, on a page that is not Reader's.
SUITE_ANNOTATION = {
    "@context": "http://www.w3.org/ns/anno.jsonld",
    "type": "Annotation",
    "body": {"type": "TextualBody", "value": "I like this page!"},
    "target": "http://www.example.com/index.html",
    "canonical": "urn:uuid:dbfb1861-0ecf-41ad-be5f-b2d4e3b9ef38",
}


@pytest.fixture
def server(transactional_db, live_server, settings) -> Server:
    settings.READER_API_CORS_ORIGINS = [ORIGIN]
    owner = UserFactory(username="alice")
    project = ProjectFactory(name="Idlib", slug="idlib")
    MembershipFactory(project=project, user=owner, role=Role.OWNER)
    document = DocumentFactory(project=project, text=MIXED_TEXT, added_by=owner)
    _, token = api_token_create(user=owner, name="protocol")
    s = Server(live_server.url, token, document, "", "")
    s.container = f"{live_server.url}/api/p/idlib/documents/{document.pk}/annotations/"
    for quote in ("33 soldiers", "Balyun", "Idlib", "Surrogates"):
        created = s.post(quoted(document, quote, base=live_server.url))
        assert created.status == 201, created.raw
    s.annotation = created.body["id"]
    return s


def small_pages(s: Server) -> str:
    """The container seen two annotations a page, so it has a first, a middle and a last."""
    return s.container + "?limit=2"


# --- the checks, one per requirement --------------------------------------------------------


def container_ends_in_slash(s: Server) -> bool:
    return s.container.endswith("/")


def allow_on(url: str, method: str) -> Callable[[Server], bool]:
    return lambda s: method in s.get(url if url != "C" else s.container).header("Allow")


def container_allows(method: str) -> Callable[[Server], bool]:
    return lambda s: method in [m.strip() for m in s.get(s.container).header("Allow").split(",")]


def annotation_allows(method: str) -> Callable[[Server], bool]:
    return lambda s: method in [m.strip() for m in s.get(s.annotation).header("Allow").split(",")]


def content_type_jsonld(which: str) -> Callable[[Server], bool]:
    def check(s: Server) -> bool:
        answer = s.get(getattr(s, which))
        return answer.header("Content-Type").split(";")[0] == MEDIA_TYPE

    return check


def content_type_profile(which: str) -> Callable[[Server], bool]:
    def check(s: Server) -> bool:
        answer = s.get(getattr(s, which))
        return answer.header("Content-Type") == w3c.MEDIA_TYPE

    return check


def container_types(s: Server) -> bool:
    body = s.get(s.container).body
    return "BasicContainer" in body["type"] and "AnnotationCollection" in body["type"]


def links_on_every_container_answer(s: Server) -> bool:
    answers = [
        s.get(s.container),
        s.request("HEAD", s.container),
        s.request("OPTIONS", s.container),
        s.get(s.container + "?page=0"),
        s.post(b"{not json"),
        s.get(s.container, token=False),
    ]
    return all(
        CONTAINER_TYPE_LINK.search(a.header("Link")) and CONSTRAINED_BY in a.header("Link")
        for a in answers
    )


def container_type_link(s: Server) -> bool:
    return bool(CONTAINER_TYPE_LINK.search(s.get(s.container).header("Link")))


def constrained_by_link(s: Server) -> bool:
    return CONSTRAINED_BY in s.get(s.container).header("Link")


def has_etag(which: str) -> Callable[[Server], bool]:
    return lambda s: bool(re.fullmatch(r'(W/)?"[^"]+"', s.get(getattr(s, which)).header("ETag")))


def vary(which: str, name: str) -> Callable[[Server], bool]:
    return lambda s: name in s.get(getattr(s, which)).header("Vary")


def answers_200(method: str, which: str) -> Callable[[Server], bool]:
    return lambda s: s.request(method, getattr(s, which)).status == 200


def content_location(s: Server) -> bool:
    answers = [
        s.get(s.container),
        s.get(s.container, Prefer=PREFER_MINIMAL),
        s.get(s.container, Prefer=PREFER_IRIS),
    ]
    return all(a.header("Content-Location") == a.body["id"] for a in answers)


def pages_part_of(s: Server) -> bool:
    first = s.get(s.get(small_pages(s)).body["first"]["id"]).body
    return first["partOf"]["id"] == s.get(small_pages(s)).body["id"]


def pages_next(s: Server) -> bool:
    first = s.get(s.get(small_pages(s)).body["first"]["id"]).body
    last = s.get(s.get(small_pages(s)).body["last"]).body
    return "next" in first and "next" not in last


def pages_prev(s: Server) -> bool:
    first = s.get(s.get(small_pages(s)).body["first"]["id"]).body
    last = s.get(s.get(small_pages(s)).body["last"]).body
    return "prev" in last and "prev" not in first


def annotation_resource_link(s: Server) -> bool:
    answers = [
        s.get(s.annotation),
        s.request("OPTIONS", s.annotation),
        s.request("HEAD", s.annotation),
    ]
    return all(RESOURCE_TYPE_LINK.search(a.header("Link")) for a in answers)


def head_like_get(which: str) -> Callable[[Server], bool]:
    def check(s: Server) -> bool:
        got, head = s.get(getattr(s, which)), s.request("HEAD", getattr(s, which))
        return head.raw == b"" and head.header("ETag") == got.header("ETag")

    return check


def created(s: Server) -> Answer:
    return s.post(dict(SUITE_ANNOTATION, id="http://elsewhere.example/anno/7"))


def created_201(s: Server) -> bool:
    return created(s).status == 201


def created_has_id(s: Server) -> bool:
    return "id" in created(s).body


def created_below_container(s: Server) -> bool:
    return created(s).body["id"].startswith(s.container)


def created_keeps_canonical(s: Server) -> bool:
    return created(s).body["canonical"] == SUITE_ANNOTATION["canonical"]


def created_id_as_via(s: Server) -> bool:
    return created(s).body["via"] == "http://elsewhere.example/anno/7"


def created_location(s: Server) -> bool:
    answer = created(s)
    return answer.header("Location") == answer.body["id"]


def created_allow(s: Server) -> bool:
    allow = created(s).header("Allow")
    return "PUT" in allow and "DELETE" in allow and "POST" not in allow


def created_resolves(s: Server) -> bool:
    answer = created(s)
    again = s.get(answer.header("Location"))
    return again.status == 200 and again.header("ETag") == answer.header("ETag")


def created_keeps_body(s: Server) -> bool:
    """A body Reader reads as the note, given back exactly as sent (no purpose added)."""
    return created(s).body["body"] == SUITE_ANNOTATION["body"]


def created_keeps_target(s: Server) -> bool:
    return created(s).body["target"] == SUITE_ANNOTATION["target"]


def slug_honoured(s: Server) -> bool:
    answer = s.post(SUITE_ANNOTATION, Slug="my-note")
    return answer.status == 201 and answer.body["id"] == s.container + "my-note/"


def slug_taken_is_ignored(s: Server) -> bool:
    s.post(SUITE_ANNOTATION, Slug="taken")
    other = UserFactory(username="bob")
    MembershipFactory(project=s.document.project, user=other, role=Role.ANNOTATOR)
    _, token = api_token_create(user=other, name="bob")
    answer = s.post(SUITE_ANNOTATION, Slug="taken", Authorization=f"Bearer {token}")
    return answer.status == 201 and answer.body["id"] != s.container + "taken/"


def update_with_put(s: Server) -> bool:
    """The suite's own check: the target of an annotation on the whole resource changed."""
    made = created(s)
    changed = dict(made.body, target="http://other.example/")
    answer = s.request("PUT", made.body["id"], changed, If_Match=made.header("ETag"))
    return answer.status == 200 and answer.body["target"] == "http://other.example/"


def put_keeps_id(s: Server) -> bool:
    made = created(s)
    changed = dict(made.body, body={"type": "TextualBody", "value": "Changed my mind"})
    answer = s.request("PUT", made.body["id"], changed, If_Match=made.header("ETag"))
    return answer.body["id"] == made.body["id"] and answer.header("ETag") != made.header("ETag")


def put_needs_current_etag(s: Server) -> bool:
    made = created(s)
    stale = s.request("PUT", made.body["id"], made.body, If_Match='"stale"')
    return stale.status == 412


def delete_204(s: Server) -> bool:
    made = created(s)
    gone = s.request("DELETE", made.body["id"])
    return gone.status == 204 and s.get(made.body["id"]).status == 404


def not_json_refused(s: Server) -> bool:
    answer = s.post(b"<a/>", Content_Type="application/xml")
    return answer.status == 415


def invalid_refused(s: Server) -> bool:
    return s.post({"type": "Annotation"}).status == 400


def minimal_container(s: Server) -> bool:
    body = s.get(s.container, Prefer=PREFER_MINIMAL).body
    return (
        "first" in body
        and "last" in body
        and "total" in body
        and not isinstance(body["first"], dict)
    )


def minimal_no_items(s: Server) -> bool:
    body = s.get(s.container, Prefer=PREFER_MINIMAL).body
    return "items" not in body and "ldp:contains" not in body and "contains" not in body


def minimal_pages_full(s: Server) -> bool:
    first = s.get(s.get(s.container, Prefer=PREFER_MINIMAL).body["first"]).body
    return all(isinstance(item, dict) and "@context" in item for item in first["items"])


def no_prefer_header_back(s: Server) -> bool:
    return s.get(s.container, Prefer=PREFER_MINIMAL).header("Prefer") == ""


def iris_preferred(s: Server) -> bool:
    body = s.get(small_pages(s), Prefer=PREFER_IRIS).body
    return all(isinstance(item, str) for item in body["first"]["items"])


def iris_carried_into_pages(s: Server) -> bool:
    """The page IRI, dereferenced without Prefer, and its `next`, keep the IRIs."""
    body = s.get(small_pages(s), Prefer=PREFER_IRIS).body
    page = s.get(body["first"]["id"]).body
    following = s.get(page["next"]).body
    return all(isinstance(i, str) for i in page["items"] + following["items"])


def container_modified(s: Server) -> bool:
    before = s.get(s.container).body["modified"]
    time.sleep(1.1)
    s.request("DELETE", s.annotation)
    after = s.get(s.container).body["modified"]
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", before)) and after > before


def total(s: Server) -> bool:
    return s.get(s.container).body["total"] == 4


def turtle(which: str, media_type: str = "text/turtle") -> Callable[[Server], bool]:
    def check(s: Server) -> bool:
        answer = s.get(getattr(s, which), Accept=media_type)
        graph = Graph().parse(
            data=answer.raw.decode(), format="turtle" if "turtle" in media_type else "nt"
        )
        return (
            answer.status == 200
            and answer.header("Content-Type").startswith(media_type)
            and len(graph) > 5
            and "Accept" in answer.header("Vary")
        )

    return check


def https_or_proxy(s: Server) -> bool:
    """Reader serves HTTPS in production (SECURE_SSL_REDIRECT, HSTS); the test server is
    plain HTTP on loopback, so the check is of the production settings."""
    from reader import settings as reader_settings

    source = Path(reader_settings.__file__).read_text()
    return "SECURE_SSL_REDIRECT" in source and "SECURE_HSTS_SECONDS" in source


def conditional_get(which: str) -> Callable[[Server], bool]:
    def check(s: Server) -> bool:
        url = getattr(s, which)
        etag = s.get(url).header("ETag")
        return s.get(url, If_None_Match=etag).status == 304

    return check


def cors_preflight(s: Server) -> bool:
    answer = s.request(
        "OPTIONS",
        s.container,
        token=False,
        Origin=ORIGIN,
        Access_Control_Request_Method="POST",
        Access_Control_Request_Headers="authorization, content-type, slug",
    )
    return (
        answer.status in {200, 204}
        and "POST" in answer.header("Access-Control-Allow-Methods")
        and "Authorization" in answer.header("Access-Control-Allow-Headers")
        and "Access-Control-Allow-Credentials" not in answer.headers
    )


def cors_answers(s: Server) -> bool:
    answer = s.get(s.container, Origin=ORIGIN)
    exposed = answer.header("Access-Control-Expose-Headers")
    names = ("ETag", "Allow", "Vary", "Link", "Location", "Content-Location")
    return answer.header("Access-Control-Allow-Origin") == ORIGIN and all(
        name in exposed for name in names
    )


def cors_other_origins_refused(s: Server) -> bool:
    answer = s.get(s.container, Origin="https://evil.example")
    preflight = s.request(
        "OPTIONS",
        s.container,
        token=False,
        Origin="https://evil.example",
        Access_Control_Request_Method="POST",
    )
    return "Access-Control-Allow-Origin" not in answer.headers and (
        "Access-Control-Allow-Methods" not in preflight.headers
    )


def cors_not_on_pages(s: Server) -> bool:
    page = s.get(s.document.get_absolute_url(), token=False, Origin=ORIGIN)
    return "Access-Control-Allow-Origin" not in page.headers


def retry_same_idempotency_key(s: Server) -> bool:
    first = s.post(quoted(s.document, "owners"), Idempotency_Key="k-1")
    again = s.post(quoted(s.document, "owners"), Idempotency_Key="k-1")
    return (
        first.status == 201
        and again.status == 200
        and again.header("Location") == first.header("Location")
        and again.header("ETag") == first.header("ETag")
        and Annotation.objects.filter(request_key="k-1").count() == 1
    )


def retry_same_slug(s: Server) -> bool:
    first = s.post(quoted(s.document, "owners"), Slug="owners")
    again = s.post(quoted(s.document, "owners"), Slug="owners")
    return (
        again.status == 200
        and again.header("Location") == first.header("Location") == s.container + "owners/"
        and again.header("ETag") == first.header("ETag")
        and Annotation.objects.filter(slug="owners").count() == 1
    )


def retry_after_dropped_connection(s: Server) -> bool:
    """The client sends its POST and loses the connection before the answer; it sends it
    again with the same key and gets the annotation the first made, not a second."""
    body = json.dumps(quoted(s.document, "中文")).encode()
    parts = urllib.parse.urlsplit(s.container)
    raw = socket.create_connection((parts.hostname, parts.port), timeout=10)
    raw.sendall(
        f"POST {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        f"Authorization: Bearer {s.token}\r\nContent-Type: {MEDIA_TYPE}\r\n"
        f"Idempotency-Key: dropped\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )
    raw.close()  # dropped: the client never reads the answer
    deadline = time.monotonic() + 10
    while not Annotation.objects.filter(request_key="dropped").exists():
        assert time.monotonic() < deadline, "the first POST never arrived"
        time.sleep(0.05)
    again = s.post(quoted(s.document, "中文"), Idempotency_Key="dropped")
    made = Annotation.objects.get(request_key="dropped")
    return again.status == 200 and again.header("Location").endswith(f"/{made.pk}/")


def old_iris_moved(s: Server) -> bool:
    made = Annotation.objects.filter(document=s.document).first()
    old = f"{s.base}/api/p/idlib/annotations/{made.pk}/"
    answer = s.get(old)
    new = s.container + f"{made.pk}/"
    return answer.status == 301 and answer.header("Location") == new and s.get(new).status == 200


def document_resource(s: Server) -> bool:
    target = s.get(s.annotation).body["target"]
    source = target["source"] if isinstance(target, dict) else target
    answer = s.get(source, Accept=MEDIA_TYPE)  # the IRI in target.source, followed
    body = answer.body
    return (
        answer.status == 200
        and body["text"] == s.document.text
        and body["contentHash"] == s.document.content_hash
        and body["annotations"] == s.container
        and body["title"] == s.document.title
        and conditional_get_on(s, source)
    )


def conditional_get_on(s: Server, url: str) -> bool:
    etag = s.get(url, Accept=MEDIA_TYPE).header("ETag")
    return bool(etag) and s.get(url, Accept=MEDIA_TYPE, If_None_Match=etag).status == 304


def document_page_links_container(s: Server) -> bool:
    from django.contrib.sessions.backends.db import SessionStore

    user = s.document.project.memberships.get().user
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.save()
    page = s.get(
        s.document.get_absolute_url(),
        token=False,
        Cookie=f"sessionid={session.session_key}",
        Accept="text/html",
    )
    return (
        page.status == 200
        and page.header("Content-Type").startswith("text/html")
        and f'<{s.container}>; rel="http://www.w3.org/ns/oa#annotationService"'
        in page.header("Link")
    )


def one_request_limit(s: Server) -> bool:
    body = s.get(s.container + "?limit=5000").body
    return len(body["first"]["items"]) == body["total"] and "next" not in body["first"]


MUST, SHOULD, WPT = "MUST", "SHOULD", "wpt"

# (source, the requirement in its words, the check)
REQUIREMENTS: list[tuple[str, str, Callable[[Server], bool]]] = [
    # 4. Container
    (WPT, 'Container MUST end in a "/" character', container_ends_in_slash),
    (MUST, "Containers MUST support GET (check Allow on GET)", container_allows("GET")),
    (MUST, "Containers MUST support HEAD (check Allow on GET)", container_allows("HEAD")),
    (MUST, "Containers MUST support OPTIONS (check Allow on GET)", container_allows("OPTIONS")),
    (MUST, "Containers MUST support POST to create annotations (Allow)", container_allows("POST")),
    (
        MUST,
        "Containers MUST have a Content-Type header with the application/ld+json media type",
        content_type_jsonld("container"),
    ),
    (
        MUST,
        "Containers MUST respond with the JSON-LD representation (by default)",
        content_type_jsonld("container"),
    ),
    (
        SHOULD,
        "The Content-Type SHOULD carry the Web Annotation profile",
        content_type_profile("container"),
    ),
    (
        MUST,
        "Containers MUST return a description with BasicContainer and AnnotationCollection",
        container_types,
    ),
    (
        MUST,
        "Containers MUST return a Link header (rfc5988) on all responses",
        links_on_every_container_answer,
    ),
    (MUST, "Containers MUST advertise its type with a link whose rel is type", container_type_link),
    (
        MUST,
        "Containers MUST advertise the constraints with rel ldp#constrainedBy",
        constrained_by_link,
    ),
    (MUST, "Containers MUST have an ETag header", has_etag("container")),
    (
        MUST,
        "Containers MUST have a Vary header with Accept in the value",
        vary("container", "Accept"),
    ),
    (MUST, "Containers MUST support HEAD method", answers_200("HEAD", "container")),
    (MUST, "Containers MUST support OPTIONS method", answers_200("OPTIONS", "container")),
    (
        MUST,
        "Containers MUST include a Content-Location header with the IRI as its value",
        content_location,
    ),
    (WPT, "Container's Content-Location and `id` MUST match", content_location),
    (
        MUST,
        "Annotation Pages MUST have a link to the container they are part of, using partOf",
        pages_part_of,
    ),
    (
        MUST,
        "Annotation Pages MUST have a link to the next page, using next (if not the last page)",
        pages_next,
    ),
    (
        MUST,
        "Annotation Pages MUST link to the previous page, using prev (if not the first)",
        pages_prev,
    ),
    (SHOULD, "SHOULD include the total property with the total number of annotations", total),
    (
        SHOULD,
        "SHOULD have a link to the first page of its contents using first (PreferMinimalContainer)",
        minimal_container,
    ),
    (
        SHOULD,
        "SHOULD NOT contain annotations via items or ldp:contains (PreferMinimalContainer)",
        minimal_no_items,
    ),
    (
        SHOULD,
        "SHOULD return the full annotation descriptions in the pages by default",
        minimal_pages_full,
    ),
    (SHOULD, "SHOULD include Prefer in the Vary header", vary("container", "Prefer")),
    (SHOULD, "SHOULD NOT send the Prefer header back", no_prefer_header_back),
    (SHOULD, "SHOULD honour PreferContainedIRIs: the items are IRIs", iris_preferred),
    (
        SHOULD,
        "The preference SHOULD be carried into the pages and their next (their IRIs keep it)",
        iris_carried_into_pages,
    ),
    (SHOULD, "The container SHOULD say when it was last modified (modified)", container_modified),
    (SHOULD, "Servers SHOULD support Turtle for the container", turtle("container")),
    (SHOULD, "N-Quads for the container", turtle("container", "application/n-quads")),
    (
        SHOULD,
        "Containers SHOULD support conditional GET (If-None-Match: 304)",
        conditional_get("container"),
    ),
    (
        SHOULD,
        "A client MAY ask for a page size: the whole container in one request",
        one_request_limit,
    ),
    # 4. Annotation retrieval
    (MUST, "Annotations MUST support GET (check Allow on GET)", annotation_allows("GET")),
    (MUST, "Annotations MUST support HEAD (check Allow on GET)", annotation_allows("HEAD")),
    (MUST, "Annotations MUST support OPTIONS (check Allow on GET)", annotation_allows("OPTIONS")),
    (
        MUST,
        "Annotations MUST have a Content-Type header with the application/ld+json media type",
        content_type_jsonld("annotation"),
    ),
    (
        SHOULD,
        "The annotation's Content-Type SHOULD carry the profile",
        content_type_profile("annotation"),
    ),
    (
        MUST,
        "Annotations MUST have a Link header entry with ldp#Resource and rel type",
        annotation_resource_link,
    ),
    (MUST, "Annotations MUST have an ETag header", has_etag("annotation")),
    (
        MUST,
        "Annotations MUST have a Vary header with Accept in the value",
        vary("annotation", "Accept"),
    ),
    (MUST, "Annotations MUST support HEAD method", answers_200("HEAD", "annotation")),
    (MUST, "Annotations MUST support OPTIONS method", answers_200("OPTIONS", "annotation")),
    (MUST, "HEAD MUST answer as GET would, without the body", head_like_get("annotation")),
    (SHOULD, "Servers SHOULD support Turtle for each annotation", turtle("annotation")),
    (
        SHOULD,
        "Annotations SHOULD support conditional GET (If-None-Match: 304)",
        conditional_get("annotation"),
    ),
    # 5. Creation, update, deletion
    (
        MUST,
        "Annotation Server MUST respond with a 201 Created code if the creation is successful",
        created_201,
    ),
    (MUST, "Created Annotation MUST have an id property", created_has_id),
    (
        WPT,
        "Created Annotation MUST have an id that starts with the Container IRI",
        created_below_container,
    ),
    (MUST, "Created Annotation MUST preserve any canonical IRI", created_keeps_canonical),
    (SHOULD, "The server SHOULD keep the id the client sent as via", created_id_as_via),
    (
        MUST,
        "The 201 MUST have a Location header with the new annotation's IRI (matching id)",
        created_location,
    ),
    (MUST, "The new annotation's IRI answers GET with the same ETag", created_resolves),
    (SHOULD, "The 201's Allow SHOULD be the annotation's methods", created_allow),
    (
        SHOULD,
        "The server SHOULD NOT change what the client sent: its body, as sent",
        created_keeps_body,
    ),
    (
        SHOULD,
        "The server SHOULD NOT change what the client sent: its target, as sent",
        created_keeps_target,
    ),
    (SHOULD, "The server MAY use the Slug: honoured when free", slug_honoured),
    (
        SHOULD,
        "A Slug already used is not honoured (the annotation gets another IRI)",
        slug_taken_is_ignored,
    ),
    (MUST, "Annotation update must be done with the PUT method", update_with_put),
    (MUST, "The server MUST NOT change the id of an updated annotation", put_keeps_id),
    (SHOULD, "Updates SHOULD use If-Match with the ETag (412 when stale)", put_needs_current_etag),
    (MUST, "Annotation deletion with DELETE method MUST return a 204 status", delete_204),
    (MUST, "A body that is not JSON-LD MUST get 415", not_json_refused),
    (MUST, "An invalid annotation MUST get 400", invalid_refused),
    (SHOULD, "Annotation server SHOULD use HTTPS rather than HTTP (in production)", https_or_proxy),
    # CORS, for browser clients
    (SHOULD, "CORS: the preflight is answered, without credentials", cors_preflight),
    (SHOULD, "CORS: an allowed origin may read the answer and its headers", cors_answers),
    (SHOULD, "CORS: other origins are not allowed", cors_other_origins_refused),
    (SHOULD, "CORS on the API only, never on the pages", cors_not_on_pages),
    # Reader's own: safe retries, moved IRIs, the document resource
    (
        SHOULD,
        "A POST retried with the same Idempotency-Key answers with the first one's annotation",
        retry_same_idempotency_key,
    ),
    (
        SHOULD,
        "A POST retried with the same Slug answers with the first one's annotation",
        retry_same_slug,
    ),
    (
        SHOULD,
        "A POST retried after a dropped connection makes no second annotation",
        retry_after_dropped_connection,
    ),
    (SHOULD, "Every IRI Reader ever exported keeps working (301 to the new one)", old_iris_moved),
    (
        SHOULD,
        "The document IRI in target.source answers an API client with the text (ETag, 304)",
        document_resource,
    ),
    (
        SHOULD,
        "The document page links to its container (Link rel oa#annotationService)",
        document_page_links_container,
    ),
]


@pytest.mark.parametrize(
    "check", [check for _, _, check in REQUIREMENTS], ids=[f"{s}: {w}" for s, w, _ in REQUIREMENTS]
)
def test_requirement(server, check):
    assert check(server)


def test_the_table_counts():
    levels = [source for source, _, _ in REQUIREMENTS]
    assert levels.count(MUST) + levels.count(WPT) >= 40
