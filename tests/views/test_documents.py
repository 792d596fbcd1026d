from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reader.models import Document
from reader.vocabularies import KINDS, Kind, OutletKind
from tests.conftest import shown
from tests.factories import AnnotationFactory, DocumentFactory, OutletFactory


def list_url(project) -> str:
    return reverse("reader:document_list", args=[project.slug])


def create_url(project) -> str:
    return reverse("reader:document_create", args=[project.slug])


def test_library_lists_documents_with_outlet_date_and_kind_counts(client, bob, document):
    AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    AnnotationFactory(document=document, author=bob, quote="Idlib", kind=Kind.OPINION)
    AnnotationFactory(document=document, author=bob, quote="中文", kind=Kind.OPINION)
    client.force_login(bob)
    body = client.get(list_url(document.project)).content.decode()
    row = body[body.index(document.get_absolute_url()) :]
    row = row[: row.index("</tr>")]
    assert document.outlet.name in row
    cells = [cell.strip() for cell in row.split('<td class="num">')[1:]]
    expected = {Kind.CLAIM: "1", Kind.OPINION: "2"}
    assert [cell.split("<")[0] for cell in cells] == [expected.get(kind, "0") for kind in KINDS]


def test_library_filters_by_search_outlet_and_outlet_kind(client, bob, project):
    wiki = OutletFactory(project=project, name="Wiki", kind=OutletKind.ENCYCLOPEDIA)
    state = OutletFactory(project=project, name="State TV", kind=OutletKind.STATE_MEDIA)
    encyclopedia = DocumentFactory(project=project, outlet=wiki, title="Balyun", text="Behun A\n")
    broadcast = DocumentFactory(project=project, outlet=state, title="Live", text="Balyun B\n")
    client.force_login(bob)

    def titles(**query) -> set[str]:
        body = client.get(list_url(project), query).content.decode()
        return {d.title for d in (encyclopedia, broadcast) if d.get_absolute_url() in body}

    assert titles() == {"Balyun", "Live"}
    assert titles(q="behun") == {"Balyun"}  # text match, any case
    assert titles(q="live") == {"Live"}  # title match
    assert titles(outlet=state.pk) == {"Live"}
    assert titles(outlet_kind="encyclopedia") == {"Balyun"}
    assert titles(outlet_kind="nonsense") == {"Balyun", "Live"}


def test_library_htmx_request_gets_the_table_partial(client, bob, document):
    client.force_login(bob)
    body = client.get(list_url(document.project), {"q": "Mixed"}, headers={"HX-Request": "true"})
    assert body.content.decode().lstrip().startswith('<div id="document-table">')


def test_library_query_count_is_fixed(client, bob, project, django_assert_num_queries):
    for index in range(20):
        DocumentFactory(project=project, text=f"Document {index}\n")
    client.force_login(bob)
    # session, user, membership + project, documents with counts, outlets for the filter
    with django_assert_num_queries(5):
        client.get(list_url(project))


def test_paste_a_source(client, bob, project):
    outlet = OutletFactory(project=project, name="Wire")
    client.force_login(bob)
    response = client.post(
        create_url(project),
        {
            "title": "",
            "outlet": outlet.pk,
            "new_outlet_kind": "news",
            "published": "2020-02-27",
            "origin": "https://example.org/a",
            "language": "en",
            "text": "Headline here\r\nCafe\u0301 body.\r\n",
        },
    )
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == document.get_absolute_url()
    assert document.title == "Headline here"
    assert document.text == "Headline here\nCaf\u00e9 body.\n"
    assert str(document.published) == "2020-02-27"
    assert document.added_by == bob


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("notes.txt", b"Plain\r\ntext\n", "Plain\ntext\n"),
        ("notes.md", b"# Title\n\n*Body*\n", "# Title\n\n*Body*\n"),
        ("bom.txt", "\ufeffWith BOM\n".encode(), "With BOM\n"),
    ],
)
def test_upload_a_source_file(client, bob, project, name, content, expected):
    client.force_login(bob)
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        create_url(project),
        {
            "title": "Uploaded",
            "new_outlet": "New outlet",
            "new_outlet_kind": "blog",
            "language": "en",
            "file": upload,
        },
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.text == expected
    assert document.origin == name
    assert (document.outlet.name, document.outlet.kind) == ("New outlet", "blog")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Paste the source&#x27;s text or upload"),
        ({"text": "x", "file": ("a.txt", b"y")}, "Paste the text, upload a file or give an"),
        ({"file": ("a.pdf", b"%PDF")}, "is not a PDF Reader can read"),
        ({"file": ("a.exe", b"MZ")}, "is not a kind of file Reader reads"),
        ({"file": ("a.txt", b"\xff\xfe\x00bad")}, "“a.txt” is not UTF-8 text"),
        ({"text": "has a NUL\x00"}, "Null characters are not allowed"),
        ({"text": "Fine", "outlet": "", "new_outlet": ""}, "Choose an outlet"),
    ],
)
def test_bad_sources_get_400_with_a_message_and_save_nothing(client, bob, project, data, message):
    client.force_login(bob)
    form = {"title": "T", "new_outlet": "Wire", "new_outlet_kind": "news", "language": "en"}
    for key, value in data.items():
        form[key] = SimpleUploadedFile(*value) if key == "file" else value
    response = client.post(create_url(project), form)
    assert response.status_code == 400
    assert message in shown(response.content.decode())
    assert not Document.objects.exists()


def test_same_text_again_is_refused_with_the_existing_title(client, bob, document):
    client.force_login(bob)
    response = client.post(
        create_url(document.project),
        {
            "title": "Copy",
            "outlet": document.outlet.pk,
            "new_outlet_kind": "news",
            "language": "en",
            "text": document.text,
        },
    )
    assert response.status_code == 400
    assert "already in the project as “Mixed scripts”" in shown(response.content.decode())
    assert Document.objects.count() == 1


def test_oversized_upload_is_refused(client, bob, project, settings):
    settings.READER_MAX_SOURCE_BYTES = 100
    client.force_login(bob)
    response = client.post(
        create_url(project),
        {
            "new_outlet": "W",
            "new_outlet_kind": "news",
            "language": "en",
            "file": SimpleUploadedFile("big.txt", b"x" * 101),
        },
    )
    assert response.status_code == 400
    assert "“big.txt” is 101 bytes; the limit is 100 bytes." in shown(response.content.decode())
    assert not Document.objects.exists()


@pytest.mark.parametrize("outlet", ["²", "9" * 30, "-1", "1.5"])
def test_odd_ids_in_the_query_are_ignored_not_500(client, bob, document, outlet):
    client.force_login(bob)
    response = client.get(list_url(document.project), {"outlet": outlet})
    assert response.status_code == 200
    assert document.get_absolute_url() in response.content.decode()


def test_a_refused_source_leaves_no_new_outlet_behind(client, bob, document):
    client.force_login(bob)
    response = client.post(
        create_url(document.project),
        {"title": "Copy", "new_outlet": "Brand new", "language": "en", "text": document.text},
    )
    assert response.status_code == 400
    assert not document.project.outlets.filter(name="Brand new").exists()


def test_history_restore_gets_the_whole_page(client, bob, document):
    client.force_login(bob)
    response = client.get(
        list_url(document.project),
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in response.content.decode()
