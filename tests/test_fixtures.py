"""The seed corpus and demo data load, completely and idempotently."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from reader import anchoring
from reader.models import Annotation, Document, Event, FacetLink, Project
from reader.selectors.events import event_matrix

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def test_every_fixture_file_is_loaded(db):
    """fixtures/ holds the seed texts, the demo bundle made from them and the suggestions'
    gold spans on them (checked in tests/suggestions/test_gold.py): everything in the
    bundle is loaded, and its documents are the seed texts exactly."""
    assert sorted(p.name for p in FIXTURES.iterdir()) == [
        "idlib-2020.bundle.json",
        "seeds",
        "suggestions-gold.json",
    ]
    call_command("load_demo", stdout=StringIO())
    project = Project.objects.get(slug="idlib-2020")
    bundle = json.loads((FIXTURES / "idlib-2020.bundle.json").read_text(encoding="utf-8"))
    seed_files = sorted(p.name for p in (FIXTURES / "seeds").glob("*.txt"))
    assert sorted(d.origin for d in project.documents.all()) == seed_files
    assert sorted(d["origin"] for d in bundle["documents"]) == seed_files
    assert len(seed_files) == 5
    assert Annotation.objects.filter(document__project=project).count() == len(
        bundle["annotations"]
    )
    assert FacetLink.objects.filter(facet__event__project=project).count() == sum(
        len(a["links"]) for a in bundle["annotations"]
    )
    assert Event.objects.filter(project=project).count() == len(bundle["events"])
    assert project.memberships.count() == len(bundle["members"])
    for document in project.documents.all():
        stored = (FIXTURES / "seeds" / document.origin).read_text(encoding="utf-8")
        assert document.text == anchoring.normalise_text(stored)
        for annotation in document.annotations.all():
            assert document.text[annotation.start : annotation.end] == annotation.quote_exact
    kinds = set(Annotation.objects.values_list("kind", flat=True))
    assert kinds == {"claim", "opinion", "user_comment"}


def test_the_demo_bundle_is_what_export_writes(db):
    """Loaded and exported again, the demo bundle comes back byte for byte: it is in the
    format exports write, not a format of its own."""
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("export_project", "idlib-2020", "--format", "bundle", stdout=out)
    stored = (FIXTURES / "idlib-2020.bundle.json").read_text(encoding="utf-8")
    assert out.getvalue() == stored


def test_loading_twice_adds_nothing(db):
    call_command("load_demo", stdout=StringIO())
    counts = (Document.objects.count(), Annotation.objects.count(), FacetLink.objects.count())
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "0 documents, 0 annotations and 0 facet links added" in out.getvalue()
    assert (Document.objects.count(), Annotation.objects.count(), FacetLink.objects.count()) == (
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


def test_the_demo_account_is_told_where_make_run_serves(db):
    """`make run HOST=...` passes its address, so the printed link is the right one."""
    call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("demo_account", "--address", "0.0.0.0:9000", stdout=out)
    assert "Open http://0.0.0.0:9000/ and sign in." in out.getvalue()


def test_demo_event_marks_exactly_the_disputed_facets(db):
    call_command("load_demo", stdout=StringIO())
    event = Event.objects.get(name="2020 Balyun airstrikes")
    matrix = event_matrix(event=event)
    verdicts = {row.facet.name: row.comparison.verdict for row in matrix.rows}
    assert verdicts == {
        "Death toll": "disputed",
        "Wounded": "agreed",
        "Perpetrator": "disputed",
        "Time of strike": "disputed",
        "Place": "possible_variant",  # Balyun / Behun: one click merges them
        "Date": "agreed",  # 27 February 2020, on Thursday, late Thursday
        "Turkish retaliation": "single_source",
    }
    assert matrix.disputed_count == 3
    for row in matrix.rows:
        if row.disputed:
            assert " against " in row.comparison.explanation


def test_live_page_count_is_a_timeline_not_a_dispute(db):
    call_command("load_demo", stdout=StringIO())
    event = Event.objects.get(name="2020 Balyun airstrikes")
    death_toll = next(r for r in event_matrix(event=event).rows if r.facet.name == "Death toll")
    live = next(c for c in death_toll.cells if c.document.origin.startswith("003"))
    assert [link.value for link in live.links] == [
        "Some 33 Turkish soldiers",
        "nine",
        "22 Turkish Servicemen",
        "29 Turkish Servicemen",
        "33 Turkish Servicemen",
    ]
    assert [link.value for link in live.current] == ["33 Turkish Servicemen"]
    [trail] = [t for t in death_toll.comparison.trails if t.source == live.document.pk]
    assert [p.claim.value for p in trail.points][-3:] == [
        "22 Turkish Servicemen",
        "29 Turkish Servicemen",
        "33 Turkish Servicemen",
    ]


def test_demo_links_span_every_source_and_kind(db):
    call_command("load_demo", stdout=StringIO())
    links = FacetLink.objects.select_related("annotation__document")
    assert links.count() >= 30
    assert {link.annotation.document.origin for link in links} == {
        p.name for p in (FIXTURES / "seeds").glob("*.txt")
    }
    assert {link.annotation.kind for link in links} == {"claim", "opinion", "user_comment"}
