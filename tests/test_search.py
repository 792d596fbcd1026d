"""The project search: what the services index, in the same transaction, and what a query
finds, with the same results on SQLite (FTS5) and PostgreSQL (tsvector); this file runs on
both (`make test` runs the suite twice)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.urls import reverse

from reader.access import Access
from reader.models import Entity, SearchEntry
from reader.selectors import search as search_selectors
from reader.selectors.search import SearchFilters, search_results, search_terms, snippet
from reader.services import discussion, documents, entities, events, search
from reader.vocabularies import Kind, SearchSource

TEXT = (
    "Turkish soldiers were killed near Balyun.\n"
    "The ministry said 33 soldiers died; Ankara blamed the régime.\n"
    "Nothing else was reported.\n"
)


def access_for(project, user) -> Access:
    return Access(project=project, membership=project.memberships.get(user=user))


@pytest.fixture
def corpus(project, alice, bob):
    outlet = documents.outlet_get_or_create(project=project, name="Wire")
    document = documents.document_create(
        project=project,
        outlet=outlet,
        title="Strike report",
        text=TEXT,
        published=datetime.date(2020, 2, 28),
    )
    start = TEXT.index("33 soldiers")
    claim = documents.annotation_create(
        document=document,
        author=bob,
        kind=Kind.CLAIM,
        start=start,
        end=start + len("33 soldiers died"),
        note="Confirmed later by the hospital in Hatay.",
    )
    opinion = documents.annotation_create(
        document=document, author=alice, kind=Kind.OPINION, start=0, end=7
    )
    reply = discussion.reply_create(
        annotation=claim, author=alice, text="Which hospital, Reyhanli?"
    )
    event = events.event_create(project=project, name="Balyun airstrike", place="Idlib")
    facet = events.facet_create(event=event, name="Death toll", value_type="number")
    link = events.facet_link_create(
        annotation=claim, facet=facet, author=bob, value="33", attribution="Anadolu agency"
    )
    return {
        "document": document,
        "claim": claim,
        "opinion": opinion,
        "reply": reply,
        "event": event,
        "facet": facet,
        "link": link,
    }


def found(access, query, **filters):
    page = search_results(access=access, query=query, filters=SearchFilters(**filters))
    return [(result.source, result.url) for result in page.results]


def test_terms_are_words_lower_case_without_query_syntax():
    assert search_terms('Hatay" OR x* NEAR(a b) 33_soldiers') == [
        "hatay",
        "or",
        "x",
        "near",
        "a",
        "b",
        "33",
        "soldiers",
    ]
    assert search_terms("") == []


@pytest.mark.parametrize(
    ("query", "source"),
    [
        ("hospital hatay", SearchSource.NOTE),
        ("reyhanli", SearchSource.REPLY),
        ("33 soldiers died", SearchSource.QUOTE),
        ("anadolu", SearchSource.VALUE),
        ("balyun airstrike", SearchSource.EVENT),
        ("ankara régime", SearchSource.TEXT),
        ("strike report", SearchSource.TITLE),
    ],
)
def test_finds_each_source(corpus, project, alice, query, source):
    results = found(access_for(project, alice), query)
    assert source in [found_source for found_source, _ in results], results


def test_results_open_the_reader_at_the_span(corpus, project, alice):
    access = access_for(project, alice)
    document = corpus["document"]
    url = document.get_absolute_url()
    assert found(access, "reyhanli") == [("reply", f"{url}#annotation-{corpus['claim'].pk}")]
    # A match in the text opens the reader on the word (code point offsets).
    start = TEXT.index("Ankara")
    assert found(access, "ankara") == [("text", f"{url}#at-{start}-{start + len('Ankara')}")]
    agency = Entity.objects.get(name="Anadolu agency")
    assert found(access, "anadolu") == [
        ("entity", entity_url(project, agency)),  # the attribution's entity
        ("value", f"{url}#annotation-{corpus['claim'].pk}"),
    ]


def test_prefixes_match_and_every_word_must(corpus, project, alice):
    access = access_for(project, alice)
    assert {source for source, _ in found(access, "soldi")} == {"text", "quote"}
    assert found(access, "soldiers hatay") == []  # never in one entry
    assert found(access, "régime") and not found(access, "regime")  # accents count alike


def test_filters(corpus, project, alice, bob):
    access = access_for(project, alice)
    assert {s for s, _ in found(access, "turkish", kind=Kind.OPINION)} == {"quote"}
    assert found(access, "turkish", kind=Kind.CLAIM) == []
    assert {s for s, _ in found(access, "33", author_id=bob.pk)} == {"quote", "value"}
    assert {s for s, _ in found(access, "33", event_id=corpus["event"].pk)} == {"value"}
    assert {s for s, _ in found(access, "33", facet_id=corpus["facet"].pk)} == {"value"}
    assert found(access, "ministry", since=datetime.date(2020, 3, 1)) == []
    assert found(access, "ministry", until=datetime.date(2020, 3, 1))
    assert found(access, "ministry", document_id=corpus["document"].pk + 999) == []


def test_the_index_follows_edits_deletes_and_restores(corpus, project, alice, bob):
    access = access_for(project, alice)
    claim = corpus["claim"]
    documents.annotation_update(
        annotation=claim, actor=bob, kind=Kind.CLAIM, note="Per Kilis hospital.", edited_version=1
    )
    assert found(access, "hatay") == []
    assert found(access, "kilis") == [
        ("note", f"{claim.document.get_absolute_url()}#annotation-{claim.pk}")
    ]
    discussion.reply_update(reply=corpus["reply"], text="Which one?")
    assert found(access, "reyhanli") == []
    trashed = documents.annotation_delete(annotation=claim, actor=bob)
    assert found(access, "kilis") == []
    assert [s for s, _ in found(access, "anadolu")] == ["entity"]  # the entity stays
    assert not SearchEntry.objects.filter(annotation_id=claim.pk).exists()
    documents.annotation_restore(trashed=trashed, actor=alice)
    assert [s for s, _ in found(access, "kilis")] == ["note"]
    assert [s for s, _ in found(access, "anadolu")] == ["entity", "value"]
    assert [s for s, _ in found(access, "which")] == ["reply"]
    events.facet_link_delete(link=corpus["link"].__class__.objects.get(annotation=claim), actor=bob)
    assert [s for s, _ in found(access, "anadolu")] == ["entity"]


def test_a_failed_write_leaves_no_entry(corpus, project, bob):
    before = SearchEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        documents.annotation_create(
            document=corpus["document"], author=bob, kind=Kind.CLAIM, start=0, end=7, note="zzz"
        )
        raise RuntimeError
    assert SearchEntry.objects.count() == before
    assert found(access_for(project, bob), "zzz") == []


def test_hidden_notes_and_replies_are_found_only_by_owners(corpus, project, alice, bob, carol):
    discussion.moderation_hide(item=corpus["claim"], reason="Doxxing", actor=alice)
    discussion.moderation_hide(item=corpus["reply"], reason="Off topic", actor=alice)
    for user in (bob, carol):
        assert found(access_for(project, user), "hatay") == []
        assert found(access_for(project, user), "reyhanli") == []
    assert found(access_for(project, alice), "hatay")
    assert found(access_for(project, alice), "reyhanli")


def test_other_projects_are_not_searched(corpus, other_project, mallory):
    assert found(access_for(other_project, mallory), "soldiers") == []


def test_rebuild_gives_the_same_entries(corpus, project):
    def rows():
        return sorted(
            SearchEntry.objects.values_list(
                "source", "text", "document_id", "start", "end", "entity_id"
            )
        )

    before = rows()
    assert ("entity", "Anadolu agency") in [row[:2] for row in before]
    assert search.search_rebuild() == len(before)
    assert rows() == before


def test_snippet_marks_matches_and_escapes():
    html = snippet("<b>x</b> the Soldiers and a soldier", ["soldier"])
    assert (
        html
        == "<bdi>&lt;b&gt;x&lt;/b&gt; the <mark>Soldiers</mark> and a <mark>soldier</mark></bdi>"
    )


def test_the_database_has_its_full_text_index(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'reader_searchentry_vector'"
            )
            assert "gin" in cursor.fetchone()[0].lower()
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'reader_searchentry_fts'")
            assert "fts5" in cursor.fetchone()[0].lower()


def test_a_new_version_reindexes_the_text_and_the_quotes_that_moved(corpus, project, alice):
    """After a new capture the search finds the new text, and each annotation at its new
    place (one batch for all of them): a moved quote opens the reader where it is now."""
    from reader.models import Annotation
    from reader.services import versions

    access = access_for(project, alice)
    document = corpus["document"]
    new_text = "UPDATE: Hatay says the toll rose.\n" + TEXT
    versions.version_create(document=document, text=new_text, added_by=alice)
    document.refresh_from_db()
    assert [s for s, _ in found(access, "update")] == ["text"]
    moved = Annotation.objects.filter(document=document, anchor_status="moved")
    assert moved.exists()
    for annotation in moved:
        entries = SearchEntry.objects.filter(annotation=annotation, source=SearchSource.QUOTE)
        assert list(entries.values_list("start", "end")) == [(annotation.start, annotation.end)]
        assert document.text[annotation.start : annotation.end] == annotation.quote_exact


def entity_url(project, entity) -> str:
    return reverse("reader:entity_list", args=[project.slug]) + f"#entity-{entity.pk}"


def test_event_names_open_the_event_page(corpus, project, alice):
    access = access_for(project, alice)
    assert found(access, "balyun airstrike") == [("event", corpus["event"].get_absolute_url())]
    assert found(access, "idlib") == [("event", corpus["event"].get_absolute_url())]


def test_entities_are_found_by_name_and_alias_through_every_change(project, alice, bob):
    access = access_for(project, alice)
    army = entities.entity_resolve(project=project, written="Syrian Arab Army", role="actor")
    assert army is not None
    assert found(access, "syrian arab") == [("entity", entity_url(project, army))]
    page = search_results(access=access, query="arab", filters=SearchFilters())
    assert page.results[0].entity == "Syrian Arab Army"

    entities.entity_alias_add(entity=army, name="SAA", actor=bob)
    assert found(access, "saa") == [("entity", entity_url(project, army))]
    entities.entity_rename(entity=army, name="Syrian Army", actor=bob)
    assert found(access, "syrian army") == [("entity", entity_url(project, army))]
    assert found(access, "arab") == [("entity", entity_url(project, army))]  # an alias now

    tigers = entities.entity_resolve(project=project, written="Tiger Forces", role="actor")
    entities.entity_merge(source=tigers, target=army, actor=bob)
    assert found(access, "tiger") == [("entity", entity_url(project, army))]
    tiger_alias = army.aliases.get(name="Tiger Forces")
    split = entities.entity_split(entity=army, aliases=[tiger_alias], name="Tigers", actor=bob)
    assert found(access, "tiger") == [("entity", entity_url(project, split))]
    assert found(access, "saa") == [("entity", entity_url(project, army))]

    Entity.objects.filter(pk=army.pk).delete()  # the entry goes with the entity
    assert found(access, "saa") == []
    assert not SearchEntry.objects.filter(entity_id=army.pk).exists()
    assert search.search_rebuild(project_id=project.pk) == SearchEntry.objects.count()
    assert found(access, "tiger") == [("entity", entity_url(project, split))]


def test_a_new_entity_of_a_link_is_found_in_the_same_transaction(corpus, project, bob):
    with transaction.atomic():
        events.facet_link_create(
            annotation=corpus["opinion"],
            facet=corpus["facet"],
            author=bob,
            value="12",
            attribution="Hatay governor office",
        )
        assert [s for s, _ in found(access_for(project, bob), "governor")] == ["entity", "value"]


def test_few_and_many_matches_give_the_same_pages(corpus, project, alice, bob, monkeypatch):
    """Sorted here (a page deep among few matches) or by the database (its order index on
    SQLite): the same results, in the same order, on every page."""
    document = corpus["document"]
    for n in range(40):
        documents.annotation_create(
            document=document, author=bob, kind=Kind.CLAIM, start=n, end=n + 30, note="soldiers"
        )
    access = access_for(project, alice)

    def pages():
        return [
            (page.total, [(r.source, r.url) for r in page.results], page.next_offset)
            for page in (
                search_results(access=access, query="soldi", filters=SearchFilters(), offset=o)
                for o in (0, 30, 60, 90)
            )
        ]

    monkeypatch.setattr(search_selectors, "SORT_HERE", 10**9)
    monkeypatch.setattr(search_selectors, "WALK_SHARE", 10**9)
    here = pages()  # every page sorted here
    assert here[0][0] > 40 and len(here[0][1]) == 30 and here[1][1] and here[3][1] == []
    monkeypatch.setattr(search_selectors, "SORT_HERE", 0)
    assert pages() == here  # every page from the database


def test_sqlite_reads_a_common_words_page_off_the_order_index(corpus, project):
    if connection.vendor != "sqlite":
        pytest.skip("the order index is SQLite's (migration 0018)")
    entries = SearchEntry.objects.filter(project=project).annotate(
        source_rank=search_selectors._source_rank()
    )
    query = entries.order_by("source_rank", "document_id", "start", "pk").values("pk")[:30]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "searchentry_order" in plan and "TEMP B-TREE" not in plan, plan
