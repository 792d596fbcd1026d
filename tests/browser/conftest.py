"""Real-browser fixtures: one headless Chromium for all the browser tests, a fresh context
and page per test, all against pytest-django's live server (so tests use `transactional_db`)."""

from __future__ import annotations

import contextlib
import io
import os

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import sync_playwright

from reader.models import Project
from reader.services.projects import membership_set
from reader.vocabularies import Role

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
# Tall enough that a seed document and its panel fit without much scrolling.
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 5_000


@contextlib.contextmanager
def async_unsafe_allowed():
    """While Playwright's sync API is started, an asyncio loop counts as running in this
    thread, and Django refuses ORM calls ("You cannot call this from an async context")
    unless DJANGO_ALLOW_ASYNC_UNSAFE is set. Set it only for that time: left in os.environ,
    it would leak into later tests' subprocesses (`check --deploy` reports it as async.E001)."""
    already_set = "DJANGO_ALLOW_ASYNC_UNSAFE" in os.environ
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        yield
    finally:
        if not already_set:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


# One Chromium for all the browser tests. Package scope, not session: Playwright's loop (and
# the environment variable above) must end with the browser tests, before the rest of the
# suite makes ORM calls or starts subprocesses.
@pytest.fixture(scope="package")
def browser():
    with async_unsafe_allowed(), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    """A page that fails the test on any uncaught script error or CSP violation."""
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    page.close()
    assert not problems, "The page reported errors:\n" + "\n".join(problems)


def wait_until_still(page, position: str) -> None:
    """Return once the JavaScript expression `position` has kept its value for 10 frames
    in a row: smooth scrolling has ended. Waits on the page, never on a fixed sleep."""
    page.evaluate(
        f"""() => new Promise((resolve) => {{
          const position = () => {position};
          let last = position();
          let still = 0;
          const tick = () => {{
            const now = position();
            still = now === last ? still + 1 : 0;
            last = now;
            if (still >= 10) resolve(true);
            else requestAnimationFrame(tick);
          }};
          requestAnimationFrame(tick);
        }})"""
    )


@pytest.fixture
def login(context, live_server):
    """Sign a user in by giving the browser a session made with Client.force_login."""

    def login_as(user) -> None:
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": session.key, "value": session.value, "url": live_server.url}])

    return login_as


@pytest.fixture
def demo_project(transactional_db, alice) -> Project:
    """The real seed corpus (5 documents, 45 annotations by amira and jonas); alice owns it."""
    call_command("load_demo", stdout=io.StringIO())
    project = Project.objects.get(slug="idlib-2020")
    membership_set(project=project, user=alice, role=Role.OWNER)
    return project
