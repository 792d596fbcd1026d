"""Open redirects through `next=` (sign in, sign out, sign up, and every other URL), and
clickjacking: every page forbids framing with X-Frame-Options and the CSP both."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import PASSWORD
from tests.hostile.conftest import parse, routes
from tests.hostile.test_access_ids import candidate_ids, methods_for, url_for

# Ways browsers have been talked into leaving the site from a "local" looking URL.
OFFSITE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "/\t/evil.example/",
    "https:evil.example",
    "https:/evil.example",
    " https://evil.example/",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "http://testserver@evil.example/",
    "http://evil.example\\@testserver/",
    "\x00//evil.example/",
]


def is_local(location: str) -> bool:
    """A path on this site: starts with one "/", then neither "/" nor "\\"."""
    return location.startswith("/") and location[1:2] not in {"/", "\\"} and "\t" not in location


@pytest.mark.parametrize("target", OFFSITE)
def test_sign_in_never_sends_anyone_off_site(client, alice, target):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reader:project_list")
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_sign_in_keeps_a_local_next(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD, "next": "/p/idlib/"}
    )
    assert response["Location"] == "/p/idlib/"


@pytest.mark.parametrize("target", OFFSITE)
def test_the_sign_in_page_does_not_carry_an_offsite_next(client, target):
    response = client.get(reverse("login"), {"next": target})
    assert response.status_code == 200
    values = [
        a.get("value") for tag, a in parse(response.content.decode()).elements if tag == "input"
    ]
    assert target not in values


@pytest.mark.parametrize("target", OFFSITE)
def test_sign_out_never_sends_anyone_off_site(client, alice, target):
    client.force_login(alice)
    response = client.post(reverse("logout"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    response = client.post(reverse("logout") + "?next=" + target)
    assert is_local(response["Location"])


@pytest.mark.parametrize("target", OFFSITE[:4])
def test_sign_up_never_sends_anyone_off_site(client, db, target):
    data = {"username": "eve", "password1": "x8#kQ!v2pLm", "password2": "x8#kQ!v2pLm"}
    response = client.post(reverse("signup") + "?next=" + target, {**data, "next": target})
    assert response.status_code == 302
    assert is_local(response["Location"])


def redirect_headers(response) -> list[str]:
    return [
        response.headers[name]
        for name in ("Location", "HX-Redirect", "HX-Location", "Refresh")
        if name in response.headers
    ]


def test_no_url_follows_an_offsite_next(client, worlds, alice):
    """Every URL, as the owner, with `next` in the query and in the form: a redirect, if
    any, stays on this site."""
    ours, _ = worlds
    client.force_login(alice)
    problems = []
    for route in routes():
        if route.name == "logout":
            continue  # tried above; here it would sign alice out for the rest
        for pk in candidate_ids(route, ours) if "pk" in route.kwargs else [0]:
            url = url_for(route, slug=ours.project.slug, pk=pk)
            for method in methods_for(route):
                for target in OFFSITE[:4]:
                    response = getattr(client, method)(
                        f"{url}?next={target}", {"next": target} if method == "post" else {}
                    )
                    for location in redirect_headers(response):
                        if not is_local(location):
                            problems.append(f"{method.upper()} {url}: {location}")
    assert problems == []


# --- clickjacking -------------------------------------------------------------------------


def assert_not_frameable(response) -> None:
    assert response["X-Frame-Options"] == "DENY", response
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy, response
    assert response["X-Content-Type-Options"] == "nosniff", response


def test_every_page_forbids_framing(client, worlds, alice):
    """Every URL, as the owner and anonymously, errors included."""
    ours, _ = worlds
    problems = []
    for signed_in in (True, False):
        if signed_in:
            client.force_login(alice)
        else:
            client.logout()
        for route in routes():
            url = url_for(route, slug=ours.project.slug, pk=candidate_ids(route, ours)[0])
            for method in methods_for(route):
                response = getattr(client, method)(url)
                try:
                    assert_not_frameable(response)
                except AssertionError:
                    problems.append(f"{method.upper()} {url}: {response.status_code}")
    assert problems == []


@pytest.mark.parametrize(
    "url",
    ["/no/such/page/", "/p/no-such-project/", "/admin/login/", "/admin/", "/ns/reader.jsonld"],
)
def test_error_admin_and_public_pages_forbid_framing(client, db, url):
    assert_not_frameable(client.get(url))


def test_refusals_before_any_view_forbid_framing(client, db, settings):
    """413 from the size limit is made before the framing middleware runs."""
    settings.READER_MAX_REQUEST_BYTES = 10
    response = client.post(reverse("login"), {"username": "x" * 50})
    assert response.status_code == 413
    assert_not_frameable(response)
