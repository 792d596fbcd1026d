"""Sign-in limits (5 failures per account, 20 per address, in 15 minutes) and password
validators at sign-up."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from reader import ratelimit
from tests.factories import PASSWORD, UserFactory
from tests.hostile.conftest import snapshot

LOGIN = "/accounts/login/"


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, set to the start of a window and moved by hand."""

    class Clock:
        now = 1_000 * ratelimit.WINDOW_SECONDS

        def advance(self, seconds: float) -> None:
            self.now += seconds

    clock = Clock()
    monkeypatch.setattr(ratelimit, "now", lambda: clock.now)
    return clock


def sign_in(client, username: str, password: str, address: str = "203.0.113.5", **extra):
    client.logout()  # each attempt from a fresh session
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def fail(client, username: str, times: int, address: str = "203.0.113.5") -> None:
    for _ in range(times):
        response = sign_in(client, username, "wrong password", address)
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()


def assert_refused(response, text: str = "Too many failed sign-ins") -> None:
    assert response.status_code == 429
    assert text in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert "_auth_user_id" not in response.wsgi_request.session


def test_five_failures_refuse_the_sixth_even_with_the_right_password(client, alice, clock):
    fail(client, "alice", 5)
    before = snapshot()
    response = sign_in(client, "alice", PASSWORD)
    assert_refused(response, "Too many failed sign-ins for this account")
    assert snapshot() == before
    alice.refresh_from_db()
    assert alice.last_login is None


def test_a_refused_attempt_never_checks_the_password(client, alice, clock, monkeypatch):
    fail(client, "alice", 5)
    checked = []
    monkeypatch.setattr("django.contrib.auth.forms.authenticate", lambda *a, **k: checked.append(k))
    assert_refused(sign_in(client, "alice", PASSWORD))
    assert checked == []


def test_the_account_opens_again_after_the_window(client, alice, clock):
    fail(client, "alice", 5)
    assert_refused(sign_in(client, "alice", PASSWORD))
    clock.advance(ratelimit.WINDOW_SECONDS + 1)
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_failures_count_for_fifteen_minutes_wherever_the_clock_is(client, alice, clock):
    """The window slides (by the minute): failures at 14 minutes past still refuse an
    attempt at 16 minutes past, for 13 minutes more."""
    clock.advance(14 * 60)
    fail(client, "alice", 5)
    clock.advance(120)
    response = sign_in(client, "alice", PASSWORD)
    assert_refused(response)
    assert 60 * 12 <= int(response["Retry-After"]) <= ratelimit.WINDOW_SECONDS


def test_retry_after_says_when_the_next_attempt_is_allowed(client, alice, clock):
    fail(client, "alice", 5)
    clock.advance(100)
    response = sign_in(client, "alice", PASSWORD)
    wait = int(response["Retry-After"])
    clock.advance(wait - 2)
    assert sign_in(client, "alice", PASSWORD).status_code == 429
    clock.advance(2)
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_one_accounts_failures_leave_other_accounts_alone(client, alice, bob, clock):
    fail(client, "alice", 5)
    assert sign_in(client, "bob", PASSWORD).status_code == 302


def test_a_success_neither_counts_nor_clears(client, alice, bob, clock):
    """Bob signing in does not reset alice's count; alice signing in does not reset her own
    either (an attacker's failures stay counted)."""
    fail(client, "alice", 4)
    assert sign_in(client, "bob", PASSWORD).status_code == 302
    assert sign_in(client, "alice", PASSWORD).status_code == 302
    fail(client, "alice", 1)
    assert_refused(sign_in(client, "alice", PASSWORD))
    assert sign_in(client, "bob", PASSWORD).status_code == 302


def test_the_account_is_the_same_whatever_the_case_or_width(client, alice, clock):
    for spelling in ("ALICE", "Alice", "ａｌｉｃｅ", " alice"):
        sign_in(client, spelling, "wrong password")
    fail(client, "alice", 1)
    assert_refused(sign_in(client, "alice", PASSWORD))


def test_twenty_failures_from_one_address_refuse_every_account(client, alice, bob, clock):
    for number in range(20):
        fail(client, f"guess{number}", 1)
    assert_refused(sign_in(client, "bob", PASSWORD), "from your network")
    # Another address is not concerned.
    assert sign_in(client, "bob", PASSWORD, address="198.51.100.7").status_code == 302


def test_a_forged_forwarded_for_header_does_not_change_the_address(client, alice, clock):
    """With no proxy configured, X-Forwarded-For is the client's own say."""
    for number in range(20):
        fail_response = sign_in(
            client, f"guess{number}", "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{number}"
        )
        assert fail_response.status_code == 200
    assert_refused(sign_in(client, "alice", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9"))


def test_behind_a_proxy_the_address_is_the_one_the_proxy_saw(client, alice, clock, settings):
    settings.READER_TRUSTED_PROXIES = 1
    for number in range(20):
        # The client writes the start of the header; the proxy appends what it saw.
        forwarded = f"10.0.0.{number}, 192.0.2.1"
        sign_in(client, f"guess{number}", "wrong", "127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    forwarded = "10.9.9.9, 192.0.2.1"
    assert_refused(sign_in(client, "alice", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded))
    # Someone else behind the same proxy is not locked out with them.
    forwarded = "192.0.2.99"
    response = sign_in(client, "alice", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert response.status_code == 302


def test_ipv6_addresses_count_by_their_64_bit_prefix(client, alice, clock):
    for number in range(20):
        sign_in(client, f"guess{number}", "wrong", address=f"2001:db8:1:2::{number:x}")
    assert_refused(sign_in(client, "alice", PASSWORD, address="2001:db8:1:2:ffff::1"))
    assert sign_in(client, "alice", PASSWORD, address="2001:db8:1:3::1").status_code == 302


def test_parallel_attempts_cannot_overrun_the_limit(alice, clock):
    """Each attempt takes a slot with cache.add before the password is checked: fifty
    attempts at once get five slots, not fifty."""
    taken, refused = [], []
    start = threading.Barrier(50)

    def attempt(number: int) -> None:
        start.wait()
        try:
            taken.append(ratelimit.attempt(username="alice", address=f"192.0.2.{number}"))
        except ratelimit.Refused:
            refused.append(number)

    threads = [threading.Thread(target=attempt, args=[number]) for number in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (len(taken), len(refused)) == (5, 45)


def test_incomplete_forms_are_not_attempts(client, alice, clock):
    """No password or no username: no password is tried, none counts."""
    for _ in range(25):
        assert client.post(LOGIN, {"username": "alice"}).status_code == 200
        assert client.post(LOGIN, {"password": PASSWORD}).status_code == 200
    assert sign_in(client, "alice", PASSWORD).status_code == 302


def test_limits_hold_in_the_database_cache(client, alice, clock, settings):
    """The settings advised for several processes: a database cache they all share."""
    settings.CACHES = {
        **settings.CACHES,
        "logins": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "reader_login_limits",
        },
    }
    settings.READER_LOGIN_CACHE = "logins"
    call_command("createcachetable", "--database=default", verbosity=0)
    fail(client, "alice", 5)
    assert_refused(sign_in(client, "alice", PASSWORD))


def test_the_admin_sign_in_is_limited_too(client, db, clock):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "wrong"})
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code != 302


def test_with_the_limited_form_the_admin_sign_in_is_limited(client, db, clock):
    """The admin site signs in with AdminSignInForm (reader/admin.py)."""
    from django.contrib import admin

    from reader.forms.accounts import AdminSignInForm

    assert admin.site.login_form is AdminSignInForm
    UserFactory(username="root", is_staff=True, is_superuser=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "wrong"})
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many failed sign-ins" in response.content.decode()
    clock.advance(ratelimit.WINDOW_SECONDS)
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 302


# --- sign-up ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("password", "This password is too common."),
        ("12345678", "This password is entirely numeric."),
        ("Ab3$x", "This password is too short."),
        ("evelyn-reader", "The password is too similar to the username."),
    ],
)
def test_sign_up_refuses_weak_passwords(client, db, password, message):
    data = {"username": "evelyn-reader", "password1": password, "password2": password}
    before = snapshot()
    response = client.post(reverse("signup"), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert snapshot() == before
    assert not get_user_model().objects.filter(username="evelyn-reader").exists()


@pytest.mark.parametrize(
    "username", ["<script>alert(1)</script>", "alice@example.org", "a" * 151, "tab\tname"]
)
def test_sign_up_refuses_usernames_outside_the_allowed_characters(client, db, username):
    data = {"username": username, "password1": "x8#kQ!v2pLm", "password2": "x8#kQ!v2pLm"}
    before = snapshot()
    assert client.post(reverse("signup"), data).status_code == 400
    assert snapshot() == before


def test_sign_up_with_a_taken_username_is_refused_with_a_message(client, db):
    UserFactory(username="evelyn")
    data = {"username": "evelyn", "password1": "x8#kQ!v2pLm", "password2": "x8#kQ!v2pLm"}
    before = snapshot()
    response = client.post(reverse("signup"), data)
    assert response.status_code == 400
    assert "A user with that username already exists." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    "username",
    ["ali\u200bce", "ecila\u202e", "bob!", "two words", "<b>x</b>", "\u2066x\u2069"],
)
def test_sign_up_refuses_lookalike_and_direction_characters(client, db, username):
    data = {"username": username, "password1": "x8#kQ!v2pLm", "password2": "x8#kQ!v2pLm"}
    before = snapshot()
    assert client.post(reverse("signup"), data).status_code == 400
    assert snapshot() == before


def test_a_compatibility_form_of_a_taken_name_is_the_taken_name(client, db):
    """Django folds "ａlice" (fullwidth a) to "alice" before checking: it is taken."""
    UserFactory(username="alice")
    data = {"username": "\uff41lice", "password1": "x8#kQ!v2pLm", "password2": "x8#kQ!v2pLm"}
    response = client.post(reverse("signup"), data)
    assert response.status_code == 400
    assert "already exists" in response.content.decode()


def test_a_strong_password_is_accepted(client, db):
    data = {"username": "evelyn", "password1": "x8#kQ!v2pLm", "password2": "x8#kQ!v2pLm"}
    assert client.post(reverse("signup"), data).status_code == 302
    assert get_user_model().objects.filter(username="evelyn").exists()
