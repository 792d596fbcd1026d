"""The project bundle: a lossless round trip, and refusals that name the problem and
write nothing."""

from __future__ import annotations

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from reader.models import Activity, Annotation, Document, Event, Facet, FacetLink, Outlet, Project
from reader.vocabularies import Action


def export_bundle(slug: str = "idlib-2020") -> str:
    out = StringIO()
    call_command("export_project", slug, "--format", "bundle", stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    models = (Project, Outlet, Document, Event, Facet, Annotation, FacetLink)
    return tuple(model.objects.count() for model in models)


@pytest.fixture
def bundle(db) -> dict:
    call_command("load_demo", stdout=StringIO())
    return json.loads(export_bundle())


def write(tmp_path: Path, data, name: str = "bundle.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_round_trip_into_an_empty_instance_is_byte_identical(db, tmp_path):
    call_command("load_demo", stdout=StringIO())
    # Curation travels too.
    Annotation.objects.filter(pk=Annotation.objects.order_by("pk")[0].pk).update(accepted=True)
    first = export_bundle()
    assert '"accepted":true' in first
    before = counts()
    Project.objects.all().delete()
    get_user_model().objects.all().delete()
    assert counts() == (0, 0, 0, 0, 0, 0, 0)
    out = StringIO()
    call_command("import_bundle", str(write(tmp_path, first)), "--create-accounts", stdout=out)
    assert (
        "Imported 45 annotations, 5 documents, 33 entities, 2 events, 46 facet links"
        in out.getvalue()
    )
    assert counts() == before
    assert export_bundle() == first


def test_entities_and_pins_travel_and_round_trip(db, tmp_path):
    """An analyst's merges, parents and earlier/current pins come back exactly."""
    from reader.models import Entity
    from reader.services.entities import entity_merge, entity_set_parent
    from reader.services.events import facet_link_set_superseded

    call_command("load_demo", stdout=StringIO())
    project = Project.objects.get(slug="idlib-2020")
    analyst = project.memberships.get(user__username="amira").user
    entities = Entity.objects.filter(project=project)
    entity_merge(
        source=entities.get(name="Behun"), target=entities.get(name="Balyun"), actor=analyst
    )
    hatay = entities.get(name="Hatay Governor")
    entity_set_parent(entity=hatay, parent=entities.get(name="Turkey"), actor=analyst)
    some = FacetLink.objects.get(value="Some 33 Turkish soldiers")
    facet_link_set_superseded(link=some, superseded=False, actor=analyst)
    first = export_bundle()
    assert '"superseded":false' in first and '"parent":"n' in first
    Project.objects.all().delete()
    get_user_model().objects.all().delete()
    call_command(
        "import_bundle", str(write(tmp_path, first)), "--create-accounts", stdout=StringIO()
    )
    assert export_bundle() == first
    project = Project.objects.get(slug="idlib-2020")
    some = FacetLink.objects.get(value="Some 33 Turkish soldiers")
    assert (some.superseded, some.superseded_pinned) == (False, True)
    assert Entity.objects.get(project=project, name="Hatay Governor").parent.name == "Turkey"
    behun = FacetLink.objects.get(value="the Behun area")
    assert behun.entity.name == "Balyun"


def test_bundles_written_before_entities_still_import(bundle, tmp_path):
    del bundle["entities"]
    for facet in bundle["facets"]:
        del facet["compare_level"]
    Project.objects.all().delete()
    call_command("import_bundle", str(write(tmp_path, bundle)), stdout=StringIO())
    # The names are read again as the links come in; facets compare by their type's default.
    named = FacetLink.objects.filter(facet__value_type__in=["actor", "place", "text"])
    assert named.exists() and not named.filter(entity=None).exists()
    assert set(
        Facet.objects.filter(value_type="actor").values_list("compare_level", flat=True)
    ) == {0}


def test_bundles_written_before_curation_still_import(bundle, tmp_path):
    for annotation in bundle["annotations"]:
        del annotation["accepted"]
    Project.objects.all().delete()
    call_command("import_bundle", str(write(tmp_path, bundle)), stdout=StringIO())
    assert Annotation.objects.count() == 45
    assert not Annotation.objects.filter(accepted=True).exists()


def test_accepted_only_exports_what_an_owner_accepted(bundle):
    accepted = Annotation.objects.order_by("pk")[3]
    Annotation.objects.filter(pk=accepted.pk).update(accepted=True)
    out = StringIO()
    call_command("export_project", "idlib-2020", "--format", "w3c", "--accepted-only", stdout=out)
    collection = json.loads(out.getvalue())
    assert collection["total"] == 1
    assert collection["first"]["items"][0]["id"].endswith(f"/annotations/{accepted.pk}/")
    with pytest.raises(CommandError, match="applies to --format w3c"):
        call_command("export_project", "idlib-2020", "--format", "bundle", "--accepted-only")


def test_importing_the_same_bundle_again_adds_nothing(bundle, tmp_path):
    before = counts()
    out = StringIO()
    call_command("import_bundle", str(write(tmp_path, bundle)), stdout=out)
    assert "Imported nothing new" in out.getvalue()
    assert counts() == before


def test_import_into_another_project_keeps_times_versions_and_links(bundle, tmp_path, alice):
    target = Project.objects.create(name="Copy", slug="copy")
    call_command(
        "import_bundle", str(write(tmp_path, bundle)), "--project", "copy", stdout=StringIO()
    )
    original = Annotation.objects.filter(document__project__slug="idlib-2020").order_by(
        "document__content_hash", "start", "end", "created"
    )
    copied = Annotation.objects.filter(document__project=target).order_by(
        "document__content_hash", "start", "end", "created"
    )
    assert [
        (a.quote_exact, a.kind, a.note, a.created, a.modified, a.version, a.author_id)
        for a in original
    ] == [
        (a.quote_exact, a.kind, a.note, a.created, a.modified, a.version, a.author_id)
        for a in copied
    ]
    assert FacetLink.objects.filter(facet__event__project=target).count() == 46


def refused(tmp_path, data, name="bundle.json") -> str:
    before = counts()
    with pytest.raises(CommandError) as error:
        call_command("import_bundle", str(write(tmp_path, data, name)), stdout=StringIO())
    assert counts() == before, "nothing may be written"
    message = str(error.value)
    assert "\n" not in message, "one line"
    return message


def _edit(bundle: dict, change) -> dict:
    edited = copy.deepcopy(bundle)
    change(edited)
    return edited


def _target_project_gone(bundle):
    Project.objects.all().delete()  # an empty instance, so a partial write would show


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda b: b["annotations"][3].update(start="12"),
            "annotations[3] (“a4”): field “start” must be a whole number",
        ),
        (lambda b: b["annotations"][0].update(end=10**7), "annotations[0] (“a1”): the span"),
        (
            lambda b: b["annotations"][5]["quote"].update(exact="nothing like it"),
            "annotations[5] (“a6”): field “quote.exact” does not match",
        ),
        (lambda b: b["annotations"][7].update(key="a1"), "duplicate key “a1”"),
        (
            lambda b: b["documents"][1].update(text=b["documents"][1]["text"] + " edited"),
            "documents[1] (“d2”): the text no longer matches its content_hash",
        ),
        (
            lambda b: b["annotations"][2].update(kind="rumour"),
            "field “kind” must be one of claim, opinion, user_comment",
        ),
        (lambda b: b["facets"][0].update(event="e99"), "refers to “e99”"),
        (lambda b: b["documents"][0].pop("text"), "documents[0] (“d1”): field “text” is missing"),
        (lambda b: b.update(version=3), "Bundle version 3 is not supported"),
        (lambda b: b["annotations"][1].update(note="\x00"), "contains NUL bytes"),
    ],
)
def test_invalid_records_refuse_the_whole_file(bundle, tmp_path, change, message):
    Project.objects.all().delete()
    assert message in refused(tmp_path, _edit(bundle, change))
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format": "reader-bundle", "version": 1,', "not valid JSON"),
        ("[1, 2, 3]", "This is not a Reader bundle"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_malformed_files_are_refused_plainly(db, tmp_path, content, message):
    assert message in refused(tmp_path, content)


def test_a_50_mb_file_is_refused_before_it_is_read(db, tmp_path):
    path = tmp_path / "big.json"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(CommandError, match="imports are limited to 20,971,520 bytes"):
        call_command("import_bundle", str(path), stdout=StringIO())


def test_missing_file_and_project_are_one_line_errors(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_bundle", str(tmp_path / "nope.json"), stdout=StringIO())
    with pytest.raises(CommandError, match="No project with the slug “nope”"):
        call_command("import_bundle", str(write(tmp_path, {})), "--project", "nope")


def test_an_annotation_linking_one_facet_twice_is_refused(bundle, tmp_path):
    index, record = next((n, a) for n, a in enumerate(bundle["annotations"]) if a["links"])
    record["links"].append(dict(record["links"][0]))
    message = refused(tmp_path, bundle)
    assert f"annotations[{index}] (“{record['key']}”): links the same facet twice" in message


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda b: b["annotations"][0].update(created="2020-02-27T10:00:00"), "time zone"),
        (lambda b: b["project"].update(slug="../etc passwd"), "field “slug” must be letters"),
    ],
)
def test_naive_times_and_odd_slugs_are_refused(bundle, tmp_path, change, message):
    Project.objects.all().delete()
    assert message in refused(tmp_path, _edit(bundle, change))


def test_an_import_is_recorded_and_loading_again_is_not(bundle, tmp_path):
    Project.objects.all().delete()
    call_command("import_bundle", str(write(tmp_path, bundle)), stdout=StringIO())
    imported = Activity.objects.get(action=Action.IMPORTED)
    assert imported.actor is None  # from the command line
    assert imported.summary.startswith("bundle.json: Imported 45 annotations")
    call_command("import_bundle", str(write(tmp_path, bundle)), stdout=StringIO())
    assert Activity.objects.filter(action=Action.IMPORTED).count() == 1  # nothing new
