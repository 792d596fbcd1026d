"""Suggestions' services: computing (once per change, not per view), accepting (as proposed
and edited), rejecting for good across recomputation and new versions, accepting many, the
batch and the `suggest` command. The engine is replaced by a fixed one here, so these
tests say what Reader does with its candidates, whatever it finds."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from reader.models import Activity, Annotation, FacetLink, Suggestion, SuggestionRejection
from reader.services import suggestions as service
from reader.services.entities import entity_rename
from reader.services.events import facet_create
from reader.services.versions import version_create
from reader.suggestions.candidates import Candidate
from reader.vocabularies import Action, SuggestionState
from tests.factories import DocumentFactory

TEXT = "The ministry said 33 soldiers were killed near Balyun on Thursday.\n"


@pytest.fixture
def place(event):
    return facet_create(event=event, name="Place", value_type="place")


@pytest.fixture
def engine(monkeypatch, death_toll, place):
    """The engine, fixed: "33" for the death toll and "Balyun" for the place, wherever
    they are in the text; it counts its calls."""
    calls = []

    def suggest(*, text, published, facets, names):
        calls.append(text)
        found = []
        if "33" in text:
            at = text.index("33")
            found.append(
                Candidate(death_toll.pk, at, at + 2, "33", "claim", "reports", "the ministry", 0.9)
            )
        if "Balyun" in text:
            at = text.index("Balyun")
            found.append(Candidate(place.pk, at, at + 6, "Balyun", "claim", "asserts", "", 0.6))
        # Nonsense the engine might return is dropped: unknown facet, empty span.
        found.append(Candidate(999_999, 0, 3, "x", "claim", "asserts", "", 0.1))
        found.append(Candidate(death_toll.pk, 5, 5, "x", "claim", "asserts", "", 0.1))
        return found

    monkeypatch.setattr(service.engine, "suggest", suggest)
    return calls


@pytest.fixture
def source(project):
    return DocumentFactory(project=project, title="Ministry", text=TEXT)


def pending(document):
    return list(Suggestion.objects.pending().filter(document=document).order_by("start"))


def test_a_source_is_computed_once_until_its_text_or_the_facets_change(
    engine, source, event, alice
):
    assert service.suggestions_compute(document=source)
    assert [s.value for s in pending(source)] == ["33", "Balyun"]
    toll = pending(source)[0]
    assert (toll.quote_exact, toll.stance, toll.attribution) == ("33", "reports", "the ministry")
    assert not service.suggestions_compute(document=source)  # up to date: nothing run
    assert len(engine) == 1
    facet_create(event=event, name="Wounded", value_type="number", actor=alice)
    assert service.suggestions_compute(document=source)  # a new facet: stale
    version_create(document=source, text="Now 34 dead. " + TEXT, added_by=alice)
    source.refresh_from_db()
    assert service.suggestions_compute(document=source)  # a new version: stale
    assert len(engine) == 3
    assert all(s.text_version == 2 for s in pending(source))


def test_a_renamed_entity_makes_suggestions_stale(engine, source, alice, bob, place):
    service.suggestions_compute(document=source)
    service.suggestion_accept(suggestion=pending(source)[1], actor=bob)
    entity = FacetLink.objects.get(facet=place).entity
    # The accepted link named a new entity, Balyun: the names changed.
    assert service.suggestions_compute(document=source)
    assert not service.suggestions_compute(document=source)
    entity_rename(entity=entity, name="Balioun", actor=alice)
    assert service.suggestions_compute(document=source)


def test_accepting_makes_the_annotation_and_the_link_and_records_it(
    engine, source, bob, death_toll
):
    service.suggestions_compute(document=source)
    suggestion = pending(source)[0]
    annotation = service.suggestion_accept(suggestion=suggestion, actor=bob)
    assert (annotation.kind, annotation.quote_exact, annotation.author) == ("claim", "33", bob)
    link = FacetLink.objects.get(annotation=annotation)
    assert (link.facet, link.value, link.stance, link.attribution) == (
        death_toll,
        "33",
        "reports",
        "the ministry",
    )
    assert link.value_low == 33  # parsed like any link
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.ACCEPTED and suggestion.annotation == annotation
    entry = Activity.objects.get(action=Action.SUGGESTION_ACCEPTED)
    assert entry.annotation_id == annotation.pk and "Death toll" in entry.summary
    assert "(edited)" not in entry.summary
    with pytest.raises(ValidationError, match="already accepted"):
        service.suggestion_accept(suggestion=suggestion, actor=bob)
    # Recomputed, the accepted span is not proposed again: the cell has its link.
    service.suggestions_compute(document=source, force=True)
    assert [s.value for s in pending(source)] == ["Balyun"]


def test_edit_then_accept(engine, source, bob):
    service.suggestions_compute(document=source)
    suggestion = pending(source)[0]
    start = TEXT.index("33 soldiers")
    annotation = service.suggestion_accept(
        suggestion=suggestion,
        actor=bob,
        value="33 soldiers",
        kind="opinion",
        stance="asserts",
        attribution="",
        start=start,
        end=start + len("33 soldiers"),
    )
    assert (annotation.kind, annotation.quote_exact) == ("opinion", "33 soldiers")
    link = annotation.links.get()
    assert (link.value, link.stance, link.attribution) == ("33 soldiers", "asserts", "")
    assert "(edited)" in Activity.objects.get(action=Action.SUGGESTION_ACCEPTED).summary


def test_an_existing_annotation_on_the_span_is_linked_not_made_again(engine, source, bob):
    from tests.factories import AnnotationFactory

    existing = AnnotationFactory(document=source, author=bob, quote="33")
    service.suggestions_compute(document=source)
    assert service.suggestion_accept(suggestion=pending(source)[0], actor=bob) == existing
    assert Annotation.objects.filter(document=source).count() == 1


def test_a_rejection_is_remembered_across_recomputation_and_versions(engine, source, alice, bob):
    service.suggestions_compute(document=source)
    rejected = pending(source)[0]
    service.suggestion_reject(suggestion=rejected, actor=bob)
    rejection = SuggestionRejection.objects.get()
    assert (rejection.value, rejection.quote_exact, rejection.rejected_by) == ("33", "33", bob)
    assert [s.value for s in pending(source)] == ["Balyun"]
    service.suggestions_compute(document=source, force=True)
    assert [s.value for s in pending(source)] == ["Balyun"]
    # A new version moves the words: the same quote and value stay rejected.
    version_create(document=source, text="Update. " + TEXT, added_by=alice)
    source.refresh_from_db()
    service.suggestions_compute(document=source)
    assert [s.value for s in pending(source)] == ["Balyun"]
    with pytest.raises(ValidationError, match="already rejected"):
        service.suggestion_reject(suggestion=rejected, actor=bob)


def test_a_suggestion_on_an_older_version_cannot_be_accepted(engine, source, alice, bob):
    service.suggestions_compute(document=source)
    old = pending(source)[0]
    version_create(document=source, text="Update. " + TEXT, added_by=alice)
    with pytest.raises(ValidationError, match="earlier version"):
        service.suggestion_accept(suggestion=old, actor=bob)
    assert not Annotation.objects.exists()


def test_accept_all_is_all_or_nothing(engine, source, alice, monkeypatch):
    service.suggestions_compute(document=source)
    accepted = service.suggestions_accept_all(suggestions=pending(source), actor=alice)
    assert len(accepted) == 2 and FacetLink.objects.count() == 2
    with pytest.raises(ValidationError, match="no suggestions left"):
        service.suggestions_accept_all(suggestions=[], actor=alice)


def test_the_batch_computes_the_stale_sources_a_few_at_a_time(engine, project, source):
    for index in range(4):
        DocumentFactory(project=project, text=f"Report {index}: 33 dead near Balyun.\n")
    progress = service.suggestions_compute_batch(project=project, limit=2)
    assert (progress.done, progress.total, progress.finished) == (2, 5, False)
    progress = service.suggestions_compute_batch(project=project, limit=2)
    assert (progress.done, progress.percent) == (4, 80)
    progress = service.suggestions_compute_batch(project=project, limit=2)
    assert progress.finished and len(engine) == 5
    # Nothing stale: nothing run.
    assert service.suggestions_compute_batch(project=project, limit=2).finished
    assert len(engine) == 5


def test_the_command_computes_a_project(engine, project, source):
    DocumentFactory(project=project, text="Another: 33 dead.\n")
    out = io.StringIO()
    call_command("suggest", "--project", project.slug, "--batch", "1", stdout=out)
    assert out.getvalue().splitlines()[-1] == "2 of 2 sources up to date"
    assert len(engine) == 2
    call_command("suggest", "--project", project.slug, stdout=out)
    assert len(engine) == 2  # up to date
    call_command("suggest", "--project", project.slug, "--all", stdout=out)
    assert len(engine) == 4
    with pytest.raises(CommandError, match="No project"):
        call_command("suggest", "--project", "nope", stdout=out)


def test_a_suggestion_proposed_again_keeps_its_id(engine, source, alice, event):
    service.suggestions_compute(document=source)
    before = {s.value: s.pk for s in pending(source)}
    facet_create(event=event, name="Wounded", value_type="number", actor=alice)
    assert service.suggestions_compute(document=source)
    assert {s.value: s.pk for s in pending(source)} == before
