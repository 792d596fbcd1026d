"""The seed corpus and demo data load, completely and idempotently."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from reader import anchoring
from reader.models import Annotation, Document, Membership, Project

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def test_every_fixture_file_is_loaded(db):
    call_command("load_demo", stdout=StringIO())
    project = Project.objects.get(slug="idlib-2020")
    corpus = json.loads((FIXTURES / "corpus.json").read_text(encoding="utf-8"))
    seed_files = sorted(p.name for p in (FIXTURES / "seeds").glob("*.txt"))
    assert sorted(d.origin for d in project.documents.all()) == seed_files
    assert len(corpus["documents"]) == len(seed_files) == 5
    demo = json.loads((FIXTURES / "demo_annotations.json").read_text(encoding="utf-8"))
    assert Annotation.objects.filter(document__project=project).count() == len(demo)
    for document in project.documents.all():
        stored = (FIXTURES / "seeds" / document.origin).read_text(encoding="utf-8")
        assert document.text == anchoring.normalise_text(stored)
        for annotation in document.annotations.all():
            assert document.text[annotation.start : annotation.end] == annotation.quote_exact
    kinds = set(Annotation.objects.values_list("kind", flat=True))
    assert kinds == {"claim", "opinion", "user_comment"}


def test_loading_twice_adds_nothing(db):
    call_command("load_demo", stdout=StringIO())
    counts = (Document.objects.count(), Annotation.objects.count(), Membership.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "0 documents and 0 annotations added" in out.getvalue()
    assert (Document.objects.count(), Annotation.objects.count(), Membership.objects.count()) == (
        counts
    )


def test_demo_account_gets_a_fresh_password_each_time(db, client):
    call_command("load_demo", stdout=StringIO())
    passwords = []
    for _ in range(2):
        out = StringIO()
        call_command("demo_account", stdout=out)
        passwords.append(out.getvalue().split("password:")[1].split()[0])
    assert passwords[0] != passwords[1]
    assert client.login(username="demo", password=passwords[1])
    assert not client.login(username="demo", password=passwords[0])
    response = client.get("/p/idlib-2020/")
    assert response.status_code == 200
    assert len(set(re.findall(rb"/p/idlib-2020/documents/\d+/", response.content))) == 5
