"""CSRF: every URL refuses a write without the CSRF token (403, nothing written), the API
included when it is called with a session; no GET changes anything. The URL list comes
from the resolver, so a new view is tried without a new line here."""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from reader.models import Annotation
from reader.services.projects import api_token_create
from tests.hostile.conftest import routes, snapshot
from tests.hostile.test_access_ids import candidate_ids, methods_for, url_for

ROUTES = routes()


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def annotation_post(world) -> tuple[str, dict]:
    """A POST that creates an annotation when it is allowed: the proof that a refusal is
    the CSRF check's, not the form's."""
    url = reverse("reader:annotation_create", args=[world.project.slug, world.document.pk])
    return url, {"kind": "claim", "start": 0, "end": 6, "quote": "Balyun"}


def test_every_write_without_a_token_is_refused(csrf_client, worlds, alice):
    """As the project's owner, so no refusal is for want of a role."""
    ours, _ = worlds
    csrf_client.force_login(alice)
    problems = []
    for route in ROUTES:
        ids = candidate_ids(route, ours) if "pk" in route.kwargs else [0]
        before = snapshot()
        for pk in ids:
            url = url_for(route, slug=ours.project.slug, pk=pk)
            for method in [m for m in methods_for(route) if m != "get"]:
                response = csrf_client.generic(
                    method.upper(),
                    url,
                    b"kind=claim&start=0&end=6&quote=Balyun",
                    content_type="application/x-www-form-urlencoded",
                )
                # 405: a URL that takes no such method at all (checked before anything).
                if response.status_code not in {403, 405}:
                    problems.append(f"{method.upper()} {url}: {response.status_code}")
        if snapshot() != before:
            problems.append(f"{route.name}: a row changed")
    assert problems == []


def test_the_same_write_with_the_token_goes_through(csrf_client, worlds, alice):
    """The control for the test above: with the token, the owner's POST is accepted."""
    ours, _ = worlds
    csrf_client.force_login(alice)
    csrf_client.get(ours.document.get_absolute_url())  # sets the CSRF cookie
    token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value
    url, data = annotation_post(ours)
    count = Annotation.objects.count()
    assert csrf_client.post(url, data).status_code == 403
    assert csrf_client.post(url, data, HTTP_X_CSRFTOKEN=token).status_code == 302
    assert Annotation.objects.count() == count + 1


def test_a_write_from_another_origin_is_refused_even_with_the_token(csrf_client, worlds, alice):
    ours, _ = worlds
    csrf_client.force_login(alice)
    csrf_client.get(ours.document.get_absolute_url())
    token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value
    url, data = annotation_post(ours)
    before = snapshot()
    response = csrf_client.post(
        url, data, HTTP_X_CSRFTOKEN=token, HTTP_ORIGIN="https://evil.example"
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_sign_in_sign_up_and_sign_out_need_the_token(csrf_client, alice):
    before = snapshot()
    for name, data in [
        ("login", {"username": "alice", "password": "correct horse battery staple"}),
        ("signup", {"username": "eve", "password1": "x8#kQ!v2pL", "password2": "x8#kQ!v2pL"}),
    ]:
        assert csrf_client.post(reverse(name), data).status_code == 403
    assert "_auth_user_id" not in csrf_client.session
    csrf_client.force_login(alice)
    assert csrf_client.post(reverse("logout")).status_code == 403
    assert csrf_client.session.get("_auth_user_id") == str(alice.pk)
    assert snapshot() == before


# --- the API: a session needs the CSRF token, a personal token does not ---------------


def api_body() -> str:
    return json.dumps(
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "claim"}],
            "target": {"selector": {"type": "TextQuoteSelector", "exact": "33 soldiers"}},
        }
    )


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_api_writes_with_a_session_need_the_csrf_token(csrf_client, worlds, alice, method):
    ours, _ = worlds
    csrf_client.force_login(alice)
    if method == "POST":
        url = reverse("reader:api_container", args=[ours.project.slug, ours.document.pk])
    else:
        url = reverse(
            "reader:api_annotation",
            args=[ours.project.slug, ours.annotation.document_id, ours.annotation.pk],
        )
    before = snapshot()
    response = csrf_client.generic(
        method, url, api_body(), content_type="application/ld+json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]
    assert snapshot() == before


def test_api_writes_with_a_session_and_the_token_go_through(csrf_client, worlds, alice):
    ours, _ = worlds
    csrf_client.force_login(alice)
    csrf_client.get(ours.document.get_absolute_url())
    token = csrf_client.cookies[settings.CSRF_COOKIE_NAME].value
    url = reverse("reader:api_container", args=[ours.project.slug, ours.document.pk])
    response = csrf_client.post(
        url, api_body(), content_type="application/ld+json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201


def test_api_writes_with_a_personal_token_need_no_csrf_token(csrf_client, worlds, alice):
    """A browser never sends an Authorization header on its own, so a token cannot be
    ridden by another site; no cookie is involved."""
    ours, _ = worlds
    _, token = api_token_create(user=alice, name="script")
    url = reverse("reader:api_container", args=[ours.project.slug, ours.document.pk])
    response = csrf_client.post(
        url, api_body(), content_type="application/ld+json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 201


def test_a_bad_token_does_not_fall_back_to_the_session(csrf_client, worlds, alice):
    ours, _ = worlds
    csrf_client.force_login(alice)
    url = reverse("reader:api_container", args=[ours.project.slug, ours.document.pk])
    before = snapshot()
    response = csrf_client.post(
        url, api_body(), content_type="application/ld+json", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert response.status_code == 401
    assert snapshot() == before


# --- reads change nothing --------------------------------------------------------------


def test_no_get_or_head_changes_anything(client, worlds, alice):
    """GETs carry no CSRF check, so none may write: every URL, as the owner."""
    ours, _ = worlds
    client.force_login(alice)
    problems = []
    for route in ROUTES:
        ids = candidate_ids(route, ours) if "pk" in route.kwargs else [0]
        before = snapshot()
        for pk in ids:
            url = url_for(route, slug=ours.project.slug, pk=pk)
            for method in ("get", "head"):
                response = getattr(client, method)(url)
                if response.status_code >= 500:
                    problems.append(f"{method.upper()} {url}: {response.status_code}")
        if snapshot() != before:
            problems.append(f"{route.name}: a GET changed a row")
    assert problems == []
