"""Any W3C client's annotations: the shapes Recogito and Hypothesis write, taken in through
the API and the import, and given back as they came (everything Reader does not read is
kept verbatim); what cannot be anchored refused whole unless the importer skips it; imports
that match annotations by IRI, never by span."""

from __future__ import annotations

import copy
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from reader.formats import w3c
from reader.formats.w3c_collection import w3c_import
from reader.iris import Iris
from reader.models import Annotation, FacetLink
from reader.services.documents import annotation_create, document_create, outlet_get_or_create
from reader.services.events import event_create, facet_create
from reader.services.imports import ImportRefused
from reader.vocabularies import Kind
from tests.conftest import shown
from tests.factories import DocumentFactory
from tests.views.test_api import bearer, container

SERVER_SET = {"id", "created", "modified", "creator", "via"}  # what a server gives itself


def position(document, quote: str) -> dict:
    start = document.text.index(quote)
    return {"type": "TextPositionSelector", "start": start, "end": start + len(quote)}


def recogito(document, quote: str, *selectors: str) -> dict:
    """An annotation as Recogito writes one: no target.source, a tag that is no kind, a
    comment with its own creator and time."""
    found = {
        "quote": {"type": "TextQuoteSelector", "exact": quote},
        "position": position(document, quote),
    }
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "#6e8fbd5b-52b5-4a34-bb0d-5b3a3c5c1a21",
        "type": "Annotation",
        "body": [
            {
                "type": "TextualBody",
                "value": "Place named twice in the report",
                "purpose": "commenting",
                "creator": {"id": "https://recogito.example/u/ana", "name": "Ana"},
                "created": "2026-11-30T10:00:00Z",
            },
            {"type": "TextualBody", "value": "Place", "purpose": "tagging"},
        ],
        "target": {"selector": [found[name] for name in selectors]},
        "generator": {"id": "https://recogito.example", "type": "Software"},
    }


def unchanged(sent: dict, back: dict) -> None:
    """`back` is `sent` with only what the server gives itself added or replaced."""
    assert {k: v for k, v in back.items() if k not in SERVER_SET} == {
        k: v for k, v in sent.items() if k not in SERVER_SET
    }


@pytest.mark.parametrize(
    "selectors",
    [("quote",), ("position",), ("quote", "position")],
    ids=["quote", "position", "both"],
)
def test_a_recogito_annotation_posted_comes_back_unchanged(client, bob, document, selectors):
    sent = recogito(document, "Balyun", *selectors)
    response = client.post(
        container(document), json.dumps(sent), content_type=w3c.MEDIA_TYPE, headers=bearer(bob)
    )
    assert response.status_code == 201, response.content
    annotation = Annotation.objects.get()
    start = document.text.index("Balyun")
    assert (annotation.start, annotation.end, annotation.kind) == (start, start + 6, "untagged")
    assert annotation.note == "Place named twice in the report"
    back = client.get(response["Location"], headers=bearer(bob)).json()
    unchanged(sent, back)
    assert back["via"] == sent["id"]


def test_a_range_selector_of_quote_and_position(client, bob, document):
    start, end = document.text.index("33 soldiers"), document.text.index("Balyun") + 6
    sent = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": {"type": "TextualBody", "purpose": "tagging", "value": "claim"},
        "target": {
            "selector": {
                "type": "RangeSelector",
                "startSelector": {"type": "TextQuoteSelector", "exact": "33 soldiers"},
                "endSelector": {"type": "TextPositionSelector", "start": end - 6, "end": end},
            }
        },
    }
    response = client.post(
        container(document), json.dumps(sent), content_type=w3c.MEDIA_TYPE, headers=bearer(bob)
    )
    assert response.status_code == 201, response.content
    annotation = Annotation.objects.get()
    assert (annotation.start, annotation.end, annotation.kind) == (start, end, Kind.CLAIM)
    unchanged(sent, client.get(response["Location"], headers=bearer(bob)).json())


def test_an_ambiguous_quote_is_resolved_by_its_position(bob, document):
    text = "The toll: 33. Later, the toll: 33. Then the toll: 33.\n"
    doc = DocumentFactory(project=document.project, text=text)
    second = text.index("33", text.index("33") + 1)
    item = {
        "type": "Annotation",
        "target": {
            "selector": [
                {"type": "TextQuoteSelector", "exact": "the toll: 33", "prefix": ""},
                {"type": "TextPositionSelector", "start": second - 9, "end": second + 9},
            ]
        },
    }
    w3c_import(data=[item], document=doc, default_author=bob)
    assert Annotation.objects.get(document=doc).start == text.index("the toll: 33", 5)


def test_a_linking_body_by_facet_iri_alone_and_each_body_stored_or_refused(client, bob, document):
    event = event_create(project=document.project, name="Balyun strike")
    facet = facet_create(event=event, name="Death toll", value_type="number")
    iri = Iris(base="http://testserver", slug=document.project.slug).facet(event.pk, facet.pk)
    body = {"type": "SpecificResource", "purpose": "linking", "source": iri, "facetValue": "33"}
    sent = recogito(document, "Balyun", "quote")
    sent["body"].append(body)
    response = client.post(
        container(document), json.dumps(sent), content_type=w3c.MEDIA_TYPE, headers=bearer(bob)
    )
    assert response.status_code == 201, response.content
    assert FacetLink.objects.get().facet == facet
    wrong = dict(body, event="Balyun strike", facet="Perpetrator")
    twice = [body, dict(body, facetValue="34")]
    for bodies, message in (([wrong], "not “Balyun strike › Perpetrator”"), (twice, "one link")):
        sent = recogito(document, "Idlib", "quote")
        sent["body"] += bodies
        refused = client.post(
            container(document), json.dumps(sent), content_type=w3c.MEDIA_TYPE, headers=bearer(bob)
        )
        assert refused.status_code == 400 and message in refused.json()["error"]
    assert Annotation.objects.count() == 1


HYPOTHESIS = {
    "id": "Zz9-aaBBccDD",
    "created": "2026-11-29T09:00:00.000000+00:00",
    "updated": "2026-11-29T09:05:00.000000+00:00",
    "user": "acct:bob@hypothes.is",
    "uri": "https://news.example/balyun",
    "text": "Ministry figure",
    "tags": ["Claim", "idlib-2020"],
    "group": "__world__",
    "permissions": {"read": ["group:__world__"], "admin": ["acct:bob@hypothes.is"]},
    "target": [
        {
            "source": "https://news.example/balyun",
            "selector": [
                {
                    "type": "RangeSelector",
                    "startContainer": "/div[1]/p[1]",
                    "startOffset": 0,
                    "endContainer": "/div[1]/p[1]",
                    "endOffset": 11,
                },
                {"type": "TextPositionSelector", "start": 0, "end": 0},
                {"type": "TextQuoteSelector", "exact": "33 soldiers", "prefix": "", "suffix": ""},
            ],
        }
    ],
    "document": {"title": ["Balyun"]},
    "links": {"json": "https://hypothes.is/api/annotations/Zz9-aaBBccDD"},
    "flagged": False,
    "hidden": False,
}


def test_hypothesis_json_imports_with_tags_as_kinds_or_kept_and_matches_on_reimport(bob, document):
    data = {"total": 1, "rows": [copy.deepcopy(HYPOTHESIS)]}
    report = w3c_import(data=data, document=document, default_author=bob)
    assert report.created["annotations"] == 1
    annotation = Annotation.objects.get()
    assert annotation.kind == Kind.CLAIM and annotation.note == "Ministry figure"
    assert annotation.quote_exact == "33 soldiers"
    iris = Iris(base="http://testserver", slug=document.project.slug)
    back = w3c.annotation_to_w3c(annotation, iris, sees_hidden=True)
    tags = [b["value"] for b in back["body"] if b["purpose"] == "tagging"]
    assert tags == ["Claim", "idlib-2020"]
    assert back["target"] == HYPOTHESIS["target"]
    assert back["via"] == HYPOTHESIS["links"]["json"]
    kept = back["hypothesis"]  # type: ignore[typeddict-item]
    assert kept == {k: v for k, v in HYPOTHESIS.items() if k not in {"target", "text", "tags"}}
    again = w3c_import(data=[HYPOTHESIS, back], document=document, default_author=bob)
    assert again.created["annotations"] == 0 and Annotation.objects.count() == 1


def test_a_hypothesis_reply_is_refused_with_its_reason(bob, document):
    reply = dict(HYPOTHESIS, references=["Aa1"], target=[{"source": HYPOTHESIS["uri"]}])
    with pytest.raises(ImportRefused) as refused:
        w3c_import(data=[reply], document=document, default_author=bob)
    assert "is a Hypothesis reply" in refused.value.problems[0]


def export_of(document) -> dict:
    out = StringIO()
    call_command("export_project", document.project.slug, "--format", "w3c", stdout=out)
    return json.loads(out.getvalue())


def test_two_annotations_on_one_span_stay_two_and_a_reimport_adds_nothing(
    project, bob, document, other_project
):
    for _ in range(2):
        start = document.text.index("33 soldiers")
        annotation_create(document=document, author=bob, kind="claim", start=start, end=start + 11)
    exported = export_of(document)
    copy_outlet = outlet_get_or_create(project=other_project, name="Copy")
    fresh = document_create(
        project=other_project, outlet=copy_outlet, title="Copy", text=document.text
    )
    owner = other_project.memberships.get().user
    report = w3c_import(data=exported, document=fresh, default_author=owner)
    assert report.created["annotations"] == 2
    assert Annotation.objects.filter(document=fresh).count() == 2
    # The same file again, onto the copy or onto the original: already present, by IRI.
    assert w3c_import(data=exported, document=fresh, default_author=owner).created == {}
    assert w3c_import(data=exported, document=document, default_author=bob).created == {}
    assert Annotation.objects.filter(document=document).count() == 2


def test_some_unanchored_annotations_refuse_the_import_unless_skipped(client, alice, document):
    items = [
        recogito(document, "Balyun", "quote"),
        dict(recogito(document, "Idlib", "quote"), id="#second"),
        {
            "type": "Annotation",
            "id": "#nowhere",
            "target": {"selector": {"type": "TextQuoteSelector", "exact": "not in this text"}},
        },
    ]
    with pytest.raises(ImportRefused) as refused:
        w3c_import(data=items, document=document, default_author=alice)
    assert refused.value.unanchored and Annotation.objects.count() == 0
    client.force_login(alice)
    upload = SimpleUploadedFile("a.json", json.dumps(items).encode())
    response = client.post(
        reverse("reader:import_upload", args=[document.project.slug]),
        {"kind": "w3c", "document": document.pk, "file": upload},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"])
    page = " ".join(shown(preview.content.decode()).split())
    assert "Import the 2 that anchor, skip the 1 listed" in page
    assert "annotation #nowhere: its quote is not found" in page
    assert '<button type="submit">Import</button>' not in preview.content.decode()
    done = client.post(response["Location"], {"skip_unanchored": "1"})
    assert done.status_code == 302
    assert Annotation.objects.count() == 2


def test_untagged_is_shown_to_classify_and_counted_nowhere(client, bob, document):
    start = document.text.index("Balyun")
    annotation_create(document=document, author=bob, kind="untagged", start=start, end=start + 6)
    client.force_login(bob)
    reader = shown(client.get(document.get_absolute_url()).content.decode())
    assert "To classify" in reader
    library = client.get(reverse("reader:document_list", args=[document.project.slug]))
    row = shown(library.content.decode()).split(document.get_absolute_url())[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split('<td class="num">')[1:]] == ["0", "0", "0"]


def test_the_command_finds_the_document_by_its_origin_url(bob, document):
    document.origin = "https://news.example/balyun"
    document.save(update_fields=["origin"])
    item = recogito(document, "Balyun", "quote")
    item["target"]["source"] = document.origin
    path = __import__("pathlib").Path(document.project.slug + "-w3c.json")
    path.write_text(json.dumps([item]))
    try:
        out = StringIO()
        call_command("import_w3c", str(path), stdout=out)
    finally:
        path.unlink()
    assert Annotation.objects.get().document == document


def test_two_foreign_authors_annotations_alike_both_arrive(project, alice, document):
    """Issue 11's leftover: two annotations by two different foreign authors with the same
    span, kind and `created` are two (matched by IRI, never by span); the same file again
    adds nothing; without ids, both arrive too."""
    start = document.text.index("Balyun")
    made_at = "2026-11-30T10:00:00Z"

    def theirs(creator: str, identifier: str | None) -> dict:
        annotation = {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "created": made_at,
            "creator": {"type": "Person", "nickname": creator},
            "body": [{"type": "TextualBody", "purpose": "tagging", "value": "claim"}],
            "target": {"selector": position(document, "Balyun")},
        }
        return annotation | ({"id": identifier} if identifier else {})

    items = [
        theirs("ana", "https://elsewhere.example/a/1"),
        theirs("ben", "https://elsewhere.example/a/2"),
    ]
    report = w3c_import(data=items, document=document, default_author=alice, keep_authors=True)
    assert report.created["annotations"] == 2
    made = Annotation.objects.filter(document=document, start=start)
    assert sorted(made.values_list("via", flat=True)) == [i["id"] for i in items]
    again = w3c_import(data=items, document=document, default_author=alice, keep_authors=True)
    assert again.existing["annotations"] == 2 and not any(again.created.values())
    no_ids = [theirs("ana", None), theirs("ben", None)]
    assert (
        w3c_import(data=no_ids, document=document, default_author=alice).created["annotations"] == 2
    )
    assert made.count() == 4
