"""W3C annotations onto a document, and folders of texts: all or nothing, with reasons."""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reader.formats.w3c_collection import w3c_import
from reader.models import Annotation, Document, FacetLink, Project
from reader.services.documents import document_create, outlet_get_or_create
from reader.services.events import event_create, facet_create
from reader.services.imports import ImportRefused
from reader.services.projects import membership_set
from tests.sourcefiles import make_docx, make_pdf


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())
    return Project.objects.get(slug="idlib-2020")


def w3c_export(document) -> dict:
    out = StringIO()
    call_command("export_project", document.project.slug, "--format", "w3c", stdout=out)
    collection = json.loads(out.getvalue())
    source = f"/documents/{document.pk}/"
    items = [i for i in collection["first"]["items"] if i["target"]["source"].endswith(source)]
    collection["first"]["items"] = items
    collection["total"] = collection["first"]["partOf"]["total"] = len(items)
    return collection


@pytest.fixture
def wiki(demo):
    return demo.documents.get(origin__startswith="000")


def test_reimporting_an_export_onto_a_copy_of_its_document_recreates_everything(demo, wiki, alice):
    exported = w3c_export(wiki)
    copy_project = Project.objects.create(name="Copy", slug="copy")
    outlet = outlet_get_or_create(project=copy_project, name="Wikipedia")
    target = document_create(project=copy_project, outlet=outlet, title="W", text=wiki.text)
    for event in demo.events.all():
        new_event = event_create(project=copy_project, name=event.name)
        for facet in event.facets.all():
            facet_create(event=new_event, name=facet.name, value_type=facet.value_type)
    for member in demo.memberships.all():
        membership_set(project=copy_project, user=member.user, role=member.role)
    report = w3c_import(data=exported, document=target, default_author=alice, keep_authors=True)
    assert report.created["annotations"] == wiki.annotations.count()
    assert (
        report.created["facet links"] == FacetLink.objects.filter(annotation__document=wiki).count()
    )
    original = sorted(
        (a.start, a.end, a.kind, a.note, a.author.username) for a in wiki.annotations.all()
    )
    copied = sorted(
        (a.start, a.end, a.kind, a.note, a.author.username) for a in target.annotations.all()
    )
    assert copied == original
    again = w3c_import(data=exported, document=target, default_author=alice, keep_authors=True)
    assert again.created["annotations"] == 0
    assert again.existing["annotations"] == wiki.annotations.count()


def test_a_single_annotation_and_a_list_are_accepted(demo, wiki, alice):
    items = w3c_export(wiki)["first"]["items"]
    Annotation.objects.filter(document=wiki).delete()
    assert (
        w3c_import(data=items[0], document=wiki, default_author=alice).created["annotations"] == 1
    )
    report = w3c_import(data=items, document=wiki, default_author=alice)
    assert (report.created["annotations"], report.existing["annotations"]) == (len(items) - 1, 1)


def test_a_stale_position_is_reanchored_by_its_quote_and_context(demo, wiki, alice):
    item = w3c_export(wiki)["first"]["items"][0]
    Annotation.objects.filter(document=wiki).delete()
    quote, position = item["target"]["selector"]
    position["start"] += 5  # the text moved, say
    position["end"] += 5
    w3c_import(data=item, document=wiki, default_author=alice)
    annotation = wiki.annotations.get()
    assert wiki.text[annotation.start : annotation.end] == quote["exact"]


def test_quotes_not_in_the_document_are_reported_by_id_and_nothing_is_written(demo, wiki, alice):
    items = w3c_export(wiki)["first"]["items"]
    broken = copy.deepcopy(items[:3])
    broken[1]["target"]["selector"][0]["exact"] = "words that are nowhere in it"
    broken[1]["target"]["selector"][1]["start"] = 10**6
    before = Annotation.objects.count()
    with pytest.raises(ImportRefused) as refused:
        w3c_import(data=broken, document=wiki, default_author=alice)
    assert refused.value.problems == [
        f"annotation {broken[1]['id']}: its quote is not found in the document (or is ambiguous)"
    ]
    assert Annotation.objects.count() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda a: a.update(
                body=[
                    {"type": "TextualBody", "purpose": "tagging", "value": "claim"},
                    {"type": "TextualBody", "purpose": "tagging", "value": "opinion"},
                    *a["body"][1:],
                ]
            ),
            "at most one of claim, opinion or user_comment",
        ),
        (
            lambda a: a["body"].append(
                {
                    "type": "SpecificResource",
                    "purpose": "linking",
                    "source": "x",
                    "event": "Nope",
                    "facet": "Toll",
                }
            ),
            "no facet “Nope › Toll” in this project",
        ),
        (lambda a: a.update(type="Note"), "item 0: not an Annotation"),
    ],
)
def test_invalid_annotations_are_reported(demo, wiki, alice, change, message):
    item = copy.deepcopy(w3c_export(wiki)["first"]["items"][0])
    change(item)
    with pytest.raises(ImportRefused) as refused:
        w3c_import(data=[item], document=wiki, default_author=alice)
    assert any(message in problem for problem in refused.value.problems)


def test_duplicate_ids_in_a_file_are_reported(demo, wiki, alice):
    item = w3c_export(wiki)["first"]["items"][0]
    with pytest.raises(ImportRefused, match="appears twice in the file"):
        w3c_import(data=[item, item], document=wiki, default_author=alice)


def test_a_collection_without_its_items_is_refused_plainly(demo, wiki, alice):
    collection = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "AnnotationCollection",
        "id": "http://x.org/c",
        "total": 3,
        "first": "http://x.org/c?page=0",
    }
    with pytest.raises(ImportRefused, match="pages are not in the file"):
        w3c_import(data=collection, document=wiki, default_author=alice)


def test_import_w3c_command(demo, wiki, tmp_path):
    path = tmp_path / "w.jsonld"
    path.write_text(json.dumps(w3c_export(wiki)), encoding="utf-8")
    Annotation.objects.filter(document=wiki).delete()
    out = StringIO()
    call_command("import_w3c", str(path), "--document", str(wiki.pk), stdout=out)
    assert "Imported" in out.getvalue() and wiki.annotations.exists()
    with pytest.raises(CommandError, match="No document with the id 999999"):
        call_command("import_w3c", str(path), "--document", "999999")
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_w3c", str(path), "--document", str(wiki.pk))


def test_import_texts_reads_a_folder_all_or_nothing(demo, tmp_path):
    (tmp_path / "a.txt").write_text("First source\r\nBody\n", encoding="utf-8")
    (tmp_path / "b.html").write_text("<h1>Second</h1><script>x()</script><p>Body</p>")
    (tmp_path / "c.pdf").write_bytes(make_pdf(["Third source"], title="Third", author="A"))
    (tmp_path / "d.docx").write_bytes(make_docx(["Fourth source"], title="Fourth"))
    (tmp_path / "ignored.csv").write_bytes(b"a,b")
    out, err = StringIO(), StringIO()
    call_command("import_texts", str(tmp_path), "--project", demo.slug, stdout=out, stderr=err)
    assert "Imported 4 documents" in out.getvalue()
    assert "4/4" in err.getvalue()  # the progress bar
    html = Document.objects.get(origin="b.html")
    assert (html.title, html.text) == ("Second", "Body")  # the main text: no script
    assert Document.objects.get(origin="a.txt").text == "First source\nBody\n"
    assert Document.objects.get(origin="c.pdf").title == "Third"
    assert Document.objects.get(origin="d.docx").text == "Fourth source"
    (tmp_path / "e.txt").write_bytes(b"\xff\xfe bad")
    before = Document.objects.count()
    with pytest.raises(CommandError, match="e.txt\u2069?” is not UTF-8 text"):
        call_command("import_texts", str(tmp_path), "--project", demo.slug, stderr=StringIO())
    assert Document.objects.count() == before


def test_creators_who_are_not_members_are_not_kept_and_no_account_is_made(demo, wiki, alice):
    from django.contrib.auth import get_user_model

    item = copy.deepcopy(w3c_export(wiki)["first"]["items"][0])
    item["creator"] = {"type": "Person", "nickname": "someone new"}
    Annotation.objects.filter(document=wiki).delete()
    users = get_user_model().objects.count()
    w3c_import(data=item, document=wiki, default_author=alice, keep_authors=True)
    assert wiki.annotations.get().author == alice
    assert get_user_model().objects.count() == users


def test_without_keep_authors_the_importer_is_the_author(demo, wiki, bob):
    item = w3c_export(wiki)["first"]["items"][0]  # by a member (amira or jonas)
    Annotation.objects.filter(document=wiki).delete()
    w3c_import(data=item, document=wiki, default_author=bob)
    assert wiki.annotations.get().author == bob


@pytest.mark.parametrize(
    "change",
    [
        lambda a: a["body"][0].update(value=["claim"]),
        lambda a: a.update(type={"x": 1}),
        lambda a: a["target"]["selector"][0].update(prefix=5),
        lambda a: a.update(id={"x": 1}),
        lambda a: a["body"].append(
            {"type": "SpecificResource", "purpose": "linking", "event": ["E"], "facet": "F"}
        ),
    ],
)
def test_odd_json_types_are_reported_not_crashed_on(demo, wiki, alice, change):
    item = copy.deepcopy(w3c_export(wiki)["first"]["items"][0])
    change(item)
    try:
        w3c_import(data=[item], document=wiki, default_author=alice, dry_run=True)
    except ImportRefused as refused:
        assert refused.problems


def test_a_huge_quote_context_costs_no_more_than_the_stored_32_characters(demo, alice, project):
    document = document_create(
        project=project,
        outlet=outlet_get_or_create(project=project, name="W"),
        title="Long",
        text="e" * 200_000 + "\n",
    )
    item = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": [{"type": "TextualBody", "purpose": "tagging", "value": "claim"}],
        "target": {
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": "e",
                    "prefix": "x" * 900_000,
                    "suffix": "y" * 900_000,
                }
            ]
        },
    }
    with pytest.raises(ImportRefused, match="ambiguous"):
        w3c_import(data=item, document=document, default_author=alice)


def test_import_texts_reads_zips_as_an_upload_does(demo, tmp_path):
    """import_texts takes what the browser takes: the files of a .zip too, by their base
    names, other kinds left out as in a folder; a zip the upload refuses is refused."""
    import io
    import zipfile

    def zipped(entries: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries.items():
                archive.writestr(name, data)
        return buffer.getvalue()

    (tmp_path / "captures.zip").write_bytes(
        zipped(
            {
                "../../etc/first.md": b"First zipped source\n",
                "inner/second.htm": b"<title>Second zipped</title><p>Its body</p>",
                "notes.csv": b"a,b",
            }
        )
    )
    out = StringIO()
    call_command(
        "import_texts", str(tmp_path), "--project", demo.slug, stdout=out, stderr=StringIO()
    )
    assert "Imported 2 documents" in out.getvalue()
    assert Document.objects.get(origin="first.md").text == "First zipped source\n"
    assert Document.objects.get(origin="second.htm").text == "Its body"
    (tmp_path / "nested.zip").write_bytes(zipped({"inside.zip": zipped({"a.txt": b"x"})}))
    before = Document.objects.count()
    with pytest.raises(CommandError, match="a zip inside a zip"):
        call_command("import_texts", str(tmp_path), "--project", demo.slug, stderr=StringIO())
    assert Document.objects.count() == before
