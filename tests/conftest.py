"""Personas: alice owns the project, bob annotates, carol only views, mallory is an outsider
with a project of her own; and the event most tests link to, with its death toll."""

from __future__ import annotations

import re

import pytest

from reader.sanitize import without_bidi_controls
from reader.services.events import event_create, facet_create
from reader.vocabularies import Role
from tests.factories import DocumentFactory, MembershipFactory, ProjectFactory, UserFactory

# Emoji (astral: two UTF-16 units), a combining mark (e + U+0301), CJK and Arabic (RTL).
MIXED_TEXT = (
    "Casualties 🇹🇷: 33 soldiers 💥 killed near Balyun.\n"
    "Cafe\u0301 owners in Idlib said “at least 36”.\n"
    "中文报道说有33名士兵死亡。\n"
    "قالت وزارة الدفاع التركية إن 33 جنديا قتلوا.\n"
    "Surrogates 𝒜𝒷𝒸 end here.\n"
)


def shown(html: str) -> str:
    """A page as tests look for words in it: without the <bdi>s and directional isolates
    that keep user text apart from the page's own (tests/hostile/test_bidi.py checks them)."""
    return without_bidi_controls(re.sub(r"</?bdi>", "", html))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file, not Django's shared in-memory one: the
    concurrency tests' threads need connections of their own that wait for the write lock
    (busy timeout) as the server's workers do, which a shared in-memory cache does not."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == settings.SQLITE_ENGINE:
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "test.sqlite3")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture
def carol(db):
    return UserFactory(username="carol")


@pytest.fixture
def mallory(db):
    return UserFactory(username="mallory")


@pytest.fixture
def project(alice, bob, carol):
    project = ProjectFactory(name="Idlib", slug="idlib")
    MembershipFactory(project=project, user=alice, role=Role.OWNER)
    MembershipFactory(project=project, user=bob, role=Role.ANNOTATOR)
    MembershipFactory(project=project, user=carol, role=Role.VIEWER)
    return project


@pytest.fixture
def other_project(mallory):
    """Mallory's own project, so she is a real user with real ids to try elsewhere."""
    project = ProjectFactory(name="Elsewhere", slug="elsewhere")
    MembershipFactory(project=project, user=mallory, role=Role.OWNER)
    return project


@pytest.fixture
def document(project):
    return DocumentFactory(project=project, title="Mixed scripts", text=MIXED_TEXT)


@pytest.fixture
def event(project):
    return event_create(project=project, name="Balyun strike")


@pytest.fixture
def death_toll(event):
    """The event's number facet (of a module's own `event` where it has one)."""
    return facet_create(event=event, name="Death toll", value_type="number")
