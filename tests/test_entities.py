"""Names read as entities: keys, the country table (every country's forms), organisational
and place words, attributions, spelling variants (proposed, never merged), and the
services that resolve names and change entities."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from reader import entities
from reader.entities import country_table, likely_variants, name_key, read_attribution, read_name
from reader.models import Activity, Entity, EntityAlias, Event
from reader.services.entities import (
    attribution_resolve,
    entity_alias_add,
    entity_merge,
    entity_rename,
    entity_resolve,
    entity_set_parent,
    entity_split,
)
from reader.services.events import event_create, facet_create, facet_link_create
from reader.vocabularies import Action
from tests.factories import AnnotationFactory

COUNTRIES = country_table().countries


def test_keys_set_case_diacritics_punctuation_articles_plurals_and_possessives_aside():
    assert name_key("The Russians'") == name_key("russian") == "russian"
    assert name_key("Türkiye") == name_key("TURKIYE")
    assert name_key("Erdoğan") == "erdogan"
    assert name_key("Syria’s") == "syria"
    assert name_key("al-Bara") == name_key("Bara")
    assert name_key("Ministries") == "ministry"
    assert name_key("Cyprus") == "cyprus"  # not a plural


def test_the_country_table_comes_from_the_package_and_covers_the_world():
    assert len(COUNTRIES) > 240
    names = {country.name for country in COUNTRIES}
    assert {"Russia", "Syria", "Turkey", "United States", "Ivory Coast"} <= names


@pytest.mark.parametrize("country", COUNTRIES, ids=lambda country: country.code)
def test_every_form_of_every_country_names_it(country):
    """Its name, alternative spellings and demonym (plural and possessive too), unless
    another country shares the form."""
    table = country_table()
    for form in country.forms:
        key = name_key(form)
        if len(key) < 3 or table.by_key.get(key) is None:
            continue  # a form two countries share names neither
        reading = read_name(form, "actor")
        assert reading is not None and reading.country == country, form
    for demonym in country.demonyms:
        if demonym[-1] in "nio" and table.by_key.get(name_key(demonym)) == country:
            assert read_name(f"the {demonym}s", "actor").country == country, demonym
    if name_key(country.name).isascii():
        assert read_name(f"{country.name}'s", "actor").country == country


@pytest.mark.parametrize(
    ("written", "country"),
    [
        ("Russia", "Russia"),
        ("Russian", "Russia"),
        ("Russian Federation", "Russia"),
        ("the Russians", "Russia"),
        ("Syria", "Syria"),
        ("Syrian", "Syria"),
        ("Syrian Arab Republic", "Syria"),
        ("Turkey", "Turkey"),
        ("Türkiye", "Turkey"),
        ("Turkish", "Turkey"),
        ("US", "United States"),
        ("UK", "United Kingdom"),
    ],
)
def test_countries_by_name_demonym_and_short_form(written, country):
    assert read_name(written, "actor").country.name == country


def test_a_demonym_two_countries_share_names_neither():
    assert read_name("Congolese", "actor").country is None


def test_codes_count_only_in_capitals_and_never_in_texts():
    assert read_name("RUS", "actor").country.name == "Russia"
    assert read_name("no", "actor").country is None
    assert read_name("NO", "text").country is None
    assert read_name("us", "actor").country is None


@pytest.mark.parametrize(
    ("written", "head"),
    [
        ("Syrian government forces", "Syria"),
        ("the Syrian regime", "Syria"),
        ("Syrian Air Force", "Syria"),
        ("Russian Air Force", "Russia"),
        ("Russian Aerospace Forces", "Russia"),
        ("Russian jets", "Russia"),
        ("the Turkish Ministry of National Defense", "Turkey"),
        ("Turkish officials", "Turkey"),
        ("sources close to Turkey", "Turkey"),
    ],
)
def test_organisational_words_around_a_country_make_a_part_of_it(written, head):
    reading = read_name(written, "actor")
    assert reading.country is None and reading.head.name == head
    assert reading.name == written.removeprefix("the ")


def test_one_organisation_written_several_ways_has_one_key():
    keys = {
        read_name(written, "attribution").key
        for written in [
            "the Russian Defence Ministry",
            "Russia's Ministry of Defense",
            "the Russian MoD",
            "Russian Ministry of Defence",
        ]
    }
    assert len(keys) == 1


@pytest.mark.parametrize(
    "written", ["Assad regime", "Russian-Syrian op", "Russia and Syria", "Hatay governor"]
)
def test_no_single_country_no_head(written):
    reading = read_name(written, "actor")
    assert reading.head is None and reading.country is None


@pytest.mark.parametrize(
    ("written", "name", "within"),
    [
        ("Balyun", "Balyun", []),
        ("the Behun area", "Behun", []),
        ("the area around the settlement of Behun", "Behun", []),
        ("a place called Balyun", "Balyun", []),
        ("Balyun, Idlib Governorate, Syria", "Balyun", ["Idlib", "Syria"]),
        ("Syria's Idlib province", "Idlib", ["Syria"]),
        ("Qaminas, near Idlib city", "Qaminas", ["Idlib"]),
        ("Syrian territory", "Syria", []),
    ],
)
def test_places_drop_generic_words_and_read_their_containers(written, name, within):
    reading = read_name(written, "place")
    assert reading.name == name
    assert [outer.name for outer in reading.within] == within


def test_an_attribution_can_name_several_origins():
    assert [r.name for r in read_attribution("Turkey & SOHR")] == ["Turkey", "SOHR"]
    assert [r.name for r in read_attribution("Turkey and SOHR")] == ["Turkey", "SOHR"]
    assert len(read_attribution("Rahmi Dogan, the governor of the Hatay province")) == 1
    assert read_attribution("") == []


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("behun", "balyun", True),
        ("baylun", "balyun", True),
        ("sarabiq", "saraqib", True),
        ("saraqeb", "saraqib", True),
        ("qamina", "balyun", False),
        ("sputnik", "slate", False),
        ("bara", "balyun", False),
        ("balyun", "balyun", False),
    ],
)
def test_likely_spelling_variants(first, second, expected):
    assert likely_variants(first, second) is expected


# --- services --------------------------------------------------------------------------


def test_a_country_is_made_once_with_all_its_forms(project):
    russia = entity_resolve(project=project, written="Russian", role="actor")
    assert (russia.name, russia.country) == ("Russia", "RUS")
    assert entity_resolve(project=project, written="the Russian Federation", role="actor") == russia
    assert entity_resolve(project=project, written="Russia", role="place") == russia
    keys = set(russia.aliases.values_list("key", flat=True))
    assert {"russia", "russian", "russian federation"} <= keys


def test_parts_and_chains_are_made_inside_what_contains_them(project):
    air_force = entity_resolve(project=project, written="the Syrian Air Force", role="actor")
    assert (air_force.name, air_force.parent.name) == ("Syrian Air Force", "Syria")
    balyun = entity_resolve(
        project=project, written="Balyun, Idlib Governorate, Syria", role="place"
    )
    assert (balyun.parent.name, balyun.parent.parent.name) == ("Idlib", "Syria")
    assert balyun.parent.parent == air_force.parent  # one Syria
    assert entity_resolve(project=project, written="a place called Balyun", role="place") == balyun


def test_a_chain_places_a_place_already_known_without_its_container(project):
    balyun = entity_resolve(project=project, written="Balyun", role="place")
    assert balyun.parent is None
    entity_resolve(project=project, written="Balyun, Idlib Governorate, Syria", role="place")
    balyun.refresh_from_db()
    assert balyun.parent.name == "Idlib"


def test_variants_are_separate_entities_until_someone_merges_them(project):
    balyun = entity_resolve(project=project, written="Balyun", role="place")
    behun = entity_resolve(project=project, written="the Behun area", role="place")
    assert balyun != behun
    assert Entity.objects.filter(project=project).count() == 2


def test_attribution_resolves_to_each_origin(project):
    origins = attribution_resolve(project=project, written="Turkey & SOHR")
    assert [origin.name for origin in origins] == ["Turkey", "SOHR"]


@pytest.fixture
def linked(project, bob, document):
    """Links to an actor facet and a place facet of one event, made through the services."""
    event = event_create(project=project, name="Balyun strike")
    actor = facet_create(event=event, name="Perpetrator", value_type="actor")
    place = facet_create(event=event, name="Place", value_type="place")
    links = {}
    for name, facet, value, attribution in [
        ("syria", actor, "Syrian Air Force", "Turkey & SOHR"),
        ("behun", place, "the Behun area", "SOHR"),
        ("balyun", place, "Balyun", ""),
    ]:
        annotation = AnnotationFactory(document=document, author=bob, start=len(links), end=8)
        links[name] = facet_link_create(
            annotation=annotation, facet=facet, author=bob, value=value, attribution=attribution
        )
    return event, links


def test_links_point_at_the_entities_their_value_and_attribution_name(linked):
    _, links = linked
    assert links["syria"].entity.name == "Syrian Air Force"
    assert {e.name for e in links["syria"].attributed_to.all()} == {"Turkey", "SOHR"}
    assert links["behun"].entity.name == "Behun"


def test_merge_moves_aliases_links_and_attributions_and_is_recorded(linked, bob, project):
    event, links = linked
    revision = Event.objects.get(pk=event.pk).revision
    behun, balyun = links["behun"].entity, links["balyun"].entity
    entity_merge(source=behun, target=balyun, actor=bob)
    assert not Entity.objects.filter(pk=behun.pk).exists()
    links["behun"].refresh_from_db()
    assert links["behun"].entity == balyun
    assert EntityAlias.objects.get(project=project, key="behun").entity == balyun
    # A new link written the old way finds the merged entity.
    assert entity_resolve(project=project, written="Behun", role="place") == balyun
    assert Event.objects.get(pk=event.pk).revision > revision
    entry = Activity.objects.get(action=Action.ENTITY_MERGED)
    assert entry.summary == "“Behun” into “Balyun”"
    with pytest.raises(ValidationError):
        entity_merge(source=balyun, target=balyun, actor=bob)


def test_merging_an_origin_keeps_each_link_attributed_once(linked, bob, project):
    _, links = linked
    sohr = EntityAlias.objects.get(project=project, key="sohr").entity
    turkey = EntityAlias.objects.get(project=project, key="turkey").entity
    entity_merge(source=sohr, target=turkey, actor=bob)
    assert [e.name for e in links["syria"].attributed_to.all()] == ["Turkey"]
    assert [e.name for e in links["behun"].attributed_to.all()] == ["Turkey"]


def test_split_takes_aliases_and_their_links_away(linked, bob, project):
    _, links = linked
    balyun = links["balyun"].entity
    entity_merge(source=links["behun"].entity, target=balyun, actor=bob)
    behun_alias = EntityAlias.objects.get(project=project, key="behun")
    new = entity_split(entity=balyun, aliases=[behun_alias], name="Behun", actor=bob)
    links["behun"].refresh_from_db()
    links["balyun"].refresh_from_db()
    assert (links["behun"].entity, links["balyun"].entity) == (new, balyun)
    assert Activity.objects.filter(action=Action.ENTITY_SPLIT).count() == 1
    with pytest.raises(ValidationError):
        entity_split(entity=new, aliases=list(new.aliases.all()), name="All", actor=bob)


def test_rename_keeps_the_old_name_as_an_alias(linked, bob, project):
    _, links = linked
    syria_air_force = links["syria"].entity
    entity_rename(entity=syria_air_force, name="SyAAF", actor=bob)
    assert entity_resolve(project=project, written="Syrian Air Force", role="actor").name == (
        "SyAAF"
    )
    assert Activity.objects.get(action=Action.ENTITY_RENAMED).summary == (
        "“Syrian Air Force” to “SyAAF”"
    )


def test_an_alias_already_naming_another_entity_is_refused(linked, bob):
    _, links = linked
    with pytest.raises(ValidationError, match="merge the two entities instead"):
        entity_alias_add(entity=links["balyun"].entity, name="the Behun area", actor=bob)
    entity_alias_add(entity=links["balyun"].entity, name="Baylun", actor=bob)
    assert links["balyun"].entity.aliases.filter(key="baylun").exists()


def test_parents_cannot_loop(linked, bob, project):
    _, links = linked
    syria = links["syria"].entity.parent
    with pytest.raises(ValidationError, match="cannot contain what contains it"):
        entity_set_parent(entity=syria, parent=links["syria"].entity, actor=bob)
    hatay = entity_resolve(project=project, written="Hatay governor", role="attribution")
    turkey = entity_resolve(project=project, written="Turkey", role="actor")
    entity_set_parent(entity=hatay, parent=turkey, actor=bob)
    assert hatay.parent == turkey
    assert "inside “Turkey”" in Activity.objects.get(action=Action.ENTITY_PARENT_SET).summary


def test_the_place_words_and_organisational_words_are_distinct_lists():
    assert "area" in entities.PLACE_WORDS and "ministry" in entities.ORGANISATIONAL


def test_a_restored_link_reads_its_names_again(linked, alice, bob, project):
    """Deleted, then its entity merged away, then restored: the link finds the merge."""
    from reader.services.documents import annotation_delete, annotation_restore

    _, links = linked
    behun_link = links["behun"]
    trashed = annotation_delete(annotation=behun_link.annotation, actor=bob)
    entity_merge(source=behun_link.entity, target=links["balyun"].entity, actor=bob)
    annotation, lost = annotation_restore(trashed=trashed, actor=alice)
    assert lost == []
    restored = annotation.links.get()
    assert restored.entity == links["balyun"].entity
    assert {e.name for e in restored.attributed_to.all()} == {"SOHR"}


def test_deleting_the_later_value_makes_the_earlier_current(project, bob, document):
    from reader.services.documents import annotation_delete

    event = event_create(project=project, name="Strike")
    toll = facet_create(event=event, name="Death toll", value_type="number")
    first = AnnotationFactory(document=document, author=bob, start=0, end=5)
    second = AnnotationFactory(document=document, author=bob, start=6, end=9)
    nine = facet_link_create(annotation=first, facet=toll, author=bob, value="initially 9")
    facet_link_create(annotation=second, facet=toll, author=bob, value="33")
    nine.refresh_from_db()
    assert nine.superseded
    annotation_delete(annotation=second, actor=bob)
    nine.refresh_from_db()
    assert not nine.superseded
