"""The Entities page: every member reads it, annotators and owners change it; each change
is in Activity and shows in every matrix at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reader.models import Activity, Entity, EntityAlias
from reader.services.events import event_create, facet_create, facet_link_create
from reader.vocabularies import Action
from tests.conftest import shown
from tests.factories import AnnotationFactory, DocumentFactory

LIST = reverse("reader:entity_list", args=["idlib"])


@pytest.fixture
def places(project, bob):
    """A place facet that Wikipedia calls Balyun and Sputnik Behun."""
    event = event_create(project=project, name="Balyun strike")
    place = facet_create(event=event, name="Place", value_type="place")
    for n, value in enumerate(["Balyun", "the Behun area"]):
        document = DocumentFactory(project=project, text=f"Report {n}: near the town.\n")
        annotation = AnnotationFactory(document=document, author=bob, quote="near the town")
        facet_link_create(annotation=annotation, facet=place, author=bob, value=value)
    return event, place


def entity(name: str) -> Entity:
    return Entity.objects.get(name=name)


def url(name: str, target: Entity) -> str:
    return reverse(f"reader:{name}", args=["idlib", target.pk])


def test_viewers_read_the_entities_and_the_proposed_variants(client, carol, places):
    client.force_login(carol)
    body = shown(client.get(LIST).content.decode())
    assert ">Balyun" in body and ">Behun" in body
    assert "“Behun” may be “Balyun”." in body
    assert "Merge" not in body  # carol cannot change them


def test_merge_from_the_page_changes_the_matrix_and_is_recorded(client, bob, places):
    event, place = places
    client.force_login(bob)
    matrix = shown(client.get(event.get_absolute_url()).content.decode())
    assert "Possible variant" in matrix
    response = client.post(url("entity_merge", entity("Behun")), {"target_name": "Balyun"})
    assert response.status_code == 302
    assert not Entity.objects.filter(name="Behun").exists()
    assert EntityAlias.objects.get(key="behun").entity == entity("Balyun")
    matrix = shown(client.get(event.get_absolute_url()).content.decode())
    row = matrix[matrix.index(f'id="facet-{place.pk}"') :]
    assert "2 sources agree: Balyun" in row[: row.index("</tr>")]
    entry = Activity.objects.get(action=Action.ENTITY_MERGED)
    assert (entry.actor, entry.summary) == (bob, "“Behun” into “Balyun”")
    activity = shown(client.get(reverse("reader:activity_list", args=["idlib"])).content.decode())
    assert "merged the entity" in activity


def test_the_matrixs_one_click_merge_returns_to_the_matrix(client, bob, places):
    event, _ = places
    client.force_login(bob)
    response = client.post(
        url("entity_merge", entity("Behun")),
        {"target": entity("Balyun").pk, "event": event.pk, "count": "all"},
    )
    assert response["Location"] == f"{event.get_absolute_url()}?count=all"


def test_viewers_cannot_merge(client, carol, places):
    client.force_login(carol)
    response = client.post(url("entity_merge", entity("Behun")), {"target_name": "Balyun"})
    assert response.status_code == 403
    assert Entity.objects.filter(name="Behun").exists()


def test_rename_set_the_parent_add_an_alias_and_split(client, alice, places):
    client.force_login(alice)  # owners edit too
    balyun, behun = entity("Balyun"), entity("Behun")
    client.post(url("entity_merge", behun), {"target_name": "Balyun"})
    idlib = Entity.objects.create(project=balyun.project, name="Idlib", kind="place")
    response = client.post(
        url("entity_update", balyun), {"name": "Balyoun", "parent_name": "Idlib"}
    )
    assert response.status_code == 302
    balyun.refresh_from_db()
    assert (balyun.name, balyun.parent) == ("Balyoun", idlib)
    assert client.post(url("entity_alias_add", balyun), {"name": "Baylun"}).status_code == 302
    assert balyun.aliases.filter(key="baylun").exists()
    behun_alias = balyun.aliases.get(key="behun")
    response = client.post(
        url("entity_split", balyun), {"aliases": [behun_alias.pk], "name": "Behun"}
    )
    assert response.status_code == 302
    assert entity("Behun").aliases.filter(key="behun").exists()
    actions = set(Activity.objects.values_list("action", flat=True))
    assert {
        Action.ENTITY_MERGED,
        Action.ENTITY_RENAMED,
        Action.ENTITY_PARENT_SET,
        Action.ENTITY_ALIAS_ADDED,
        Action.ENTITY_SPLIT,
    } <= actions


def test_mistakes_get_400_and_a_message(client, bob, places):
    client.force_login(bob)
    balyun = entity("Balyun")
    response = client.post(url("entity_alias_add", balyun), {"name": "the Behun area"})
    assert response.status_code == 400
    assert "merge the two entities instead" in shown(response.content.decode())
    response = client.post(url("entity_merge", balyun), {"target_name": "Atlantis"})
    assert response.status_code == 400
    assert "No entity is called “Atlantis”" in shown(response.content.decode())
    response = client.post(
        url("entity_update", balyun), {"name": "Balyun", "parent_name": "Balyun"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("count", [2, 30])
def test_the_page_query_count_is_fixed(client, bob, project, django_assert_num_queries, count):
    for n in range(count):
        Entity.objects.create(project=project, name=f"Place {n}", kind="place")
    client.force_login(bob)
    # session, user, membership + project, entities + counts, their aliases
    with django_assert_num_queries(5):
        response = client.get(LIST)
    assert response.content.decode().count('class="entity-row') == count
