"""Every URL that takes an id, tried with ids that are not the caller's: by an outsider
with a project of her own, by a viewer, anonymously, and through the outsider's own slug.
The list comes from the URL resolver, so a URL added later is tried without a new line here.
Each case checks the refusal, that nothing of alice's project leaked, and that no row
changed."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from reader.models import Annotation, ApiToken
from tests.hostile.conftest import SECRET, project_routes, routes, snapshot

WRITE_METHODS = ["post", "put", "delete"]
# Pages anyone may open, signed in or not.
PUBLIC = {
    "login",
    "admin_login",
    "signup",
    "logout",
    "api_docs",
    "reader:reader_context",
    "reader:kinds_css",
}
ROUTES = {route.name: route for route in routes()}
PROJECT_ROUTES = [route.name for route in project_routes()]
ID_ROUTES = [route.name for route in routes() if {"pk", "key"} & set(route.kwargs)]
# Pages that only read, and answer a POST as they answer a GET (harmless: no form is read).
READS_ANY_METHOD = {
    "reader:annotation_detail",
    "reader:document_detail",
    "reader:document_list",
    "reader:event_changes",
    "reader:event_compare",
    "reader:event_detail",
    "reader:event_list",
}


def methods_for(route) -> list[str]:
    return ["get", *WRITE_METHODS] if route.name.startswith("reader:api_") else ["get", "post"]


def request(client, method: str, url: str, **extra):
    if method in {"put", "delete"} or url.startswith("/api/"):
        return client.generic(
            method.upper(), url, b"{}", content_type="application/ld+json", **extra
        )
    return getattr(client, method)(url, {}, **extra)


def candidate_ids(route, world) -> list[int]:
    """The id of the kind of object the URL names; for a URL new to these tests, the ids
    of every kind of object, so whatever it names is tried."""
    ids = world.ids()
    if route.target:
        return [ids[route.target]]
    return sorted(set(ids.values()))


def url_for(route, *, slug: str, pk: int) -> str:
    """The URL with `pk` as its id; an annotation's API IRI names its own document too."""
    kwargs = {"slug": slug, "pk": pk, "token": "not-a-real-token", "key": pk}
    if "document" in route.kwargs:
        found = Annotation.objects.filter(pk=pk).values_list("document_id", flat=True).first()
        kwargs["document"] = found or pk
    return reverse(route.name, kwargs={name: kwargs[name] for name in route.kwargs})


def body_of(response) -> bytes:
    return b"".join(response) if response.streaming else response.content


def assert_refused(response, statuses: set[int]) -> None:
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert SECRET.encode() not in body_of(response)


class Attempts:
    """Tries many requests and collects every one that was not refused as expected, and
    every route after which a row had changed: one test reports all of them at once."""

    def __init__(self, client, *, member: bool = False, anonymous: bool = False) -> None:
        self.client = client
        self.member = member  # a member may read alice's document
        self.anonymous = anonymous  # anyone anonymous is sent to sign in
        self.problems: list[str] = []

    def route(self, route, urls: list[str], methods: list[str], statuses: set[int]) -> None:
        before = snapshot()
        for url in urls:
            for method in methods:
                response = request(self.client, method, url)
                label = f"{method.upper()} {url} ({route.name})"
                if response.status_code not in statuses:
                    self.problems.append(f"{label}: {response.status_code}")
                if not self.member and SECRET.encode() in body_of(response):
                    self.problems.append(f"{label}: shows alice's document")
                location = response.headers.get("Location", "")
                if (
                    self.anonymous
                    and response.status_code == 302
                    and not location.startswith(reverse("login"))
                ):
                    self.problems.append(f"{label}: redirects to {location}")
        if snapshot() != before:
            self.problems.append(f"{route.name}: a row changed")


def test_outsiders_get_404_on_every_project_url(client, worlds, mallory):
    ours, _ = worlds
    client.force_login(mallory)
    attempts = Attempts(client)
    for name in PROJECT_ROUTES:
        route = ROUTES[name]
        urls = [url_for(route, slug=ours.project.slug, pk=pk) for pk in candidate_ids(route, ours)]
        attempts.route(route, urls, methods_for(route), {404, 405})
    assert attempts.problems == []


def test_ids_of_another_project_through_ones_own_slug_are_not_found(client, worlds, mallory):
    """Mallory owns a project: through its slug, every one of alice's ids is unknown."""
    ours, theirs = worlds
    client.force_login(mallory)
    own_ids = set(theirs.ids().values())
    attempts = Attempts(client)
    for name in ID_ROUTES:
        route = ROUTES[name]
        if "slug" not in route.kwargs:
            continue
        # For a URL new to these tests, skip ids of mallory's own things of another kind.
        ids = [pk for pk in candidate_ids(route, ours) if route.target or pk not in own_ids]
        assert ids, name
        urls = [url_for(route, slug=theirs.project.slug, pk=pk) for pk in ids]
        attempts.route(route, urls, methods_for(route), {404, 405})
    assert attempts.problems == []


def test_ids_outside_projects_give_nothing_away(client, worlds, mallory):
    """URLs with an id but no project (tokens, invitations): mallory tries alice's ids."""
    ours, _ = worlds
    client.force_login(mallory)
    attempts = Attempts(client)
    for name in ID_ROUTES:
        route = ROUTES[name]
        if "slug" in route.kwargs:
            continue
        urls = [url_for(route, slug="", pk=pk) for pk in sorted(set(ours.ids().values()))]
        attempts.route(route, urls, methods_for(route), {302, 403, 404, 405})
    assert attempts.problems == []
    assert ApiToken.objects.filter(pk=ours.token.pk).exists()


def test_viewers_write_nothing_anywhere(client, worlds, carol):
    """Carol may read alice's project; every write is refused with 403 (405 where the URL
    takes no write at all; 404 for an id a new URL does not take) and changes nothing."""
    ours, _ = worlds
    client.force_login(carol)
    attempts = Attempts(client, member=True)
    for name in PROJECT_ROUTES:
        route = ROUTES[name]
        statuses = {403, 405} if route.target or "pk" not in route.kwargs else {403, 404, 405}
        if name in READS_ANY_METHOD:
            statuses.add(200)
        urls = [url_for(route, slug=ours.project.slug, pk=pk) for pk in candidate_ids(route, ours)]
        attempts.route(route, urls, [m for m in methods_for(route) if m != "get"], statuses)
    assert attempts.problems == []


def test_anonymous_users_get_nothing(client, worlds):
    """Sent to sign in (302), or 401 from the API, 286 to stop a poller, 404 or 405."""
    ours, _ = worlds
    attempts = Attempts(client, anonymous=True)
    for name, route in ROUTES.items():
        if name in PUBLIC:
            continue
        ids = candidate_ids(route, ours) if "pk" in route.kwargs else [0]
        urls = [url_for(route, slug=ours.project.slug, pk=pk) for pk in ids]
        attempts.route(route, urls, methods_for(route), {302, 401, 286, 404, 405})
    assert attempts.problems == []


# --- the API with personal tokens -----------------------------------------------------


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_api_tokens_of_outsiders_and_viewers_open_nothing(client, worlds, mallory, carol, method):
    from reader.services.projects import api_token_create

    ours, _ = worlds
    mallory_token = api_token_create(user=mallory, name="m")[1]
    carol_token = api_token_create(user=carol, name="c")[1]
    urls = [
        reverse("reader:api_container", args=[ours.project.slug, ours.document.pk]),
        reverse(
            "reader:api_annotation",
            args=[ours.project.slug, ours.annotation.document_id, ours.annotation.pk],
        ),
    ]
    before = snapshot()
    for url in urls:
        response = request(client, method, url, **bearer(mallory_token))
        assert_refused(response, {404, 405})
        response = request(client, method, url, **bearer("rdr_guessed-token"))
        assert_refused(response, {401, 405})
        if method != "get":
            assert_refused(request(client, method, url, **bearer(carol_token)), {403, 405})
    assert snapshot() == before


# --- ids of another project inside a form or a query ----------------------------------


def test_a_facet_of_another_project_cannot_be_linked(client, worlds, alice):
    ours, theirs = worlds
    client.force_login(alice)
    before = snapshot()
    url = reverse("reader:annotation_create", args=[ours.project.slug, ours.document.pk])
    data = {"kind": "claim", "start": 0, "end": 6, "quote": "Balyun", "facet": theirs.facet.pk}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    url = reverse("reader:facet_link_create", args=[ours.project.slug, ours.annotation.pk])
    for data in (
        {"facet": theirs.facet.pk, "value": "12", "stance": "asserts"},
        {"event": theirs.event.pk, "new_facet": "Toll", "value": "12", "stance": "asserts"},
    ):
        assert client.post(url, data).status_code == 400
    assert snapshot() == before


def test_the_api_links_only_to_facets_of_its_own_project(client, worlds, alice):
    ours, theirs = worlds
    client.force_login(alice)
    body = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": "claim"},
            {"purpose": "linking", "event": theirs.event.name, "facet": theirs.facet.name},
        ],
        "target": {"selector": {"type": "TextQuoteSelector", "exact": "33 soldiers"}},
    }
    before = snapshot()
    url = reverse("reader:api_container", args=[ours.project.slug, ours.document.pk])
    response = client.post(url, json.dumps(body), content_type="application/ld+json")
    assert response.status_code == 400
    assert "no facet" in response.json()["error"]
    assert snapshot() == before


def test_a_document_of_another_project_cannot_be_imported_onto(client, worlds, alice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    ours, theirs = worlds
    client.force_login(alice)
    before = snapshot()
    upload = SimpleUploadedFile("a.json", b"[]", content_type="application/json")
    url = reverse("reader:import_upload", args=[ours.project.slug])
    response = client.post(url, {"kind": "w3c", "document": theirs.document.pk, "file": upload})
    assert response.status_code == 400
    assert snapshot() == before


def test_queries_naming_another_projects_ids_show_nothing_of_it(client, worlds, mallory):
    """Mallory, in her own project, names alice's documents, outlet and users in queries."""
    ours, theirs = worlds
    client.force_login(mallory)
    slug = theirs.project.slug
    pages = [
        reverse("reader:event_compare", args=[slug, theirs.event.pk])
        + f"?documents={ours.document.pk}&documents={theirs.document.pk}",
        reverse("reader:document_list", args=[slug]) + f"?outlet={ours.document.outlet_id}",
        reverse("reader:document_detail", args=[slug, theirs.document.pk])
        + f"?author={ours.owner.pk}",
        reverse("reader:document_agreement", args=[slug, theirs.document.pk])
        + f"?a={ours.owner.pk}&b={theirs.owner.pk}",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200
        assert SECRET.encode() not in response.content


def test_ids_too_large_for_the_database_are_not_found(client, worlds, alice):
    """A 25-digit id passes the URL's <int:pk> and must still be a 404, not a 500."""
    ours, _ = worlds
    client.force_login(alice)
    attempts = Attempts(client, member=True)
    for name in ID_ROUTES:
        route = ROUTES[name]
        url = url_for(route, slug=ours.project.slug, pk=10**25)
        attempts.route(route, [url], methods_for(route), {302, 403, 404, 405})
    assert attempts.problems == []
