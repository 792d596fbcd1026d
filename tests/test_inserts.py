"""services/inserts.py writes a row as Model.save() would: same values, ids, defaults."""

from __future__ import annotations

from reader.models import Activity, SearchEntry
from reader.services import inserts
from reader.vocabularies import Action, SearchSource


def test_a_row_is_saved_as_save_would_save_it(project, bob):
    written = Activity(
        project=project, actor=bob, action=Action.ANNOTATION_CREATED, summary="Claim “ü 💥”"
    )
    inserts.insert(written)
    saved = Activity(project=project, actor=bob, action=Action.ANNOTATION_CREATED, summary="x")
    saved.save()
    assert written.pk is not None and not written._state.adding
    stored = Activity.objects.get(pk=written.pk)
    assert stored.created == written.created  # auto_now_add, set as save() sets it
    assert (stored.project_id, stored.actor_id, stored.summary, stored.annotation_id) == (
        project.pk,
        bob.pk,
        "Claim “ü 💥”",
        None,
    )
    assert saved.created >= stored.created


def test_rows_in_one_statement_get_their_own_ids(project, document, django_assert_num_queries):
    rows = [
        SearchEntry(project=project, source=SearchSource.NOTE, text=f"note {n}", document=document)
        for n in range(3)
    ]
    with django_assert_num_queries(1):
        inserts.insert(*rows)
    assert [SearchEntry.objects.get(pk=row.pk).text for row in rows] == [
        "note 0",
        "note 1",
        "note 2",
    ]
    assert SearchEntry.objects.filter(document=document, text__startswith="note").count() == 3
