"""Adding sources from files: the preview of a saved web page, a PDF or a Word file with its
metadata filled in, and many files (or a zip) at once with a result for each."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reader.models import Document
from tests.factories import DocumentFactory, OutletFactory
from tests.sourcefiles import (
    PAGE_MAIN_SENTENCE,
    SAVED_PAGE,
    make_docx,
    make_pdf,
    make_scanned_pdf,
    make_zip,
)


def create_url(project) -> str:
    return reverse("reader:document_create", args=[project.slug])


def upload_url(project) -> str:
    return reverse("reader:document_upload", args=[project.slug])


def post_file(client, project, name: str, data: bytes, **fields):
    form = {"language": "en", "file": SimpleUploadedFile(name, data), **fields}
    return client.post(create_url(project), form)


def test_a_saved_page_is_previewed_with_its_main_text_and_metadata_then_saved(client, bob, project):
    client.force_login(bob)
    response = post_file(client, project, "strike.html", SAVED_PAGE)
    assert response.status_code == 200
    assert not Document.objects.exists()
    form = response.context["form"]
    initial = form.initial
    assert PAGE_MAIN_SENTENCE in initial["text"]
    assert "Cookie policy" not in initial["text"]
    assert initial["title"] == "Strike kills 33 Turkish soldiers"
    assert initial["new_outlet"] == "The Wire"
    assert initial["published"] == datetime.date(2020, 2, 28)
    assert initial["origin"] == "https://wire.example/2020/02/strike"
    assert "Cookie policy" in initial["page_text"]
    body = response.content.decode()
    assert "Check the text before saving" in body
    assert "Jane Roe" in body
    assert 'name="use_all_text"' in body
    assert "<script>document.title" not in body  # shown nowhere as markup
    # The user saves what they saw.
    response = client.post(
        create_url(project),
        {key: value for key, value in initial.items() if value is not None} | {"language": "en"},
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.title, document.outlet.name) == (initial["title"], "The Wire")
    assert document.published == datetime.date(2020, 2, 28)
    assert document.origin == "https://wire.example/2020/02/strike"
    assert PAGE_MAIN_SENTENCE in document.text


def test_the_preview_falls_back_to_all_text(client, bob, project):
    client.force_login(bob)
    initial = post_file(client, project, "strike.html", SAVED_PAGE).context["form"].initial
    data = {k: v for k, v in initial.items() if v is not None}
    response = client.post(create_url(project), data | {"use_all_text": "1"})
    assert response.status_code == 200
    assert not Document.objects.exists()
    assert "Cookie policy" in response.context["form"].initial["text"]
    assert "all the text of the page" in response.content.decode()
    assert 'name="use_all_text"' not in response.content.decode()


def test_the_users_own_details_win_over_the_pages(client, bob, project):
    outlet = OutletFactory(project=project, name="The Wire")
    client.force_login(bob)
    response = post_file(client, project, "strike.html", SAVED_PAGE, title="My title")
    initial = response.context["form"].initial
    assert initial["title"] == "My title"
    assert (initial["outlet"], initial["new_outlet"]) == (outlet.pk, "")


def test_a_pdf_is_previewed_with_its_metadata(client, bob, project):
    client.force_login(bob)
    data = make_pdf(["Ankara - 33 soldiers were killed."], title="Report", author="Ana")
    response = post_file(client, project, "report.pdf", data)
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert (initial["title"], initial["origin"]) == ("Report", "report.pdf")
    assert initial["text"] == "Ankara - 33 soldiers were killed."
    assert "text layer of the PDF" in response.content.decode()


def test_a_scanned_pdf_is_refused_with_a_clear_message(client, bob, project):
    client.force_login(bob)
    response = post_file(client, project, "scan.pdf", make_scanned_pdf(), new_outlet="W")
    assert response.status_code == 400
    assert "no text layer" in response.content.decode()
    assert "no OCR" in response.content.decode()


def test_a_word_file_is_previewed(client, bob, project):
    client.force_login(bob)
    response = post_file(client, project, "memo.docx", make_docx(["Body."], title="Memo"))
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == "Memo"


def test_a_text_file_is_saved_at_once_as_before(client, bob, project):
    client.force_login(bob)
    response = post_file(client, project, "a.txt", b"Plain text\n", new_outlet="W")
    assert response.status_code == 302


def test_the_address_field_is_absent_unless_fetching_is_on(client, bob, project, settings):
    client.force_login(bob)
    assert 'name="url"' not in client.get(create_url(project)).content.decode()
    settings.READER_FETCH_URLS = True
    assert 'name="url"' in client.get(create_url(project)).content.decode()


# Many files at once.


def upload(client, project, files: dict[str, bytes], htmx: bool = False, **fields):
    data = {"new_outlet": "Wire", **fields}
    data["files"] = [SimpleUploadedFile(name, content) for name, content in files.items()]
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(upload_url(project), data, headers=headers)


def test_many_files_go_in_at_once_each_checked_alone(client, bob, project):
    DocumentFactory(project=project, title="Old one", text="Already here\n")
    client.force_login(bob)
    files = {f"note-{n:02}.txt": f"Note number {n}\n".encode() for n in range(50)}
    files |= {
        "page.html": SAVED_PAGE,
        "report.pdf": make_pdf(["A PDF report."], title="PDF report"),
        "scan.pdf": make_scanned_pdf(),
        "again.txt": b"Already here\n",
        "tool.exe": b"MZ",
    }
    response = upload(client, project, files)
    assert response.status_code == 200
    assert (response.context["added"], response.context["present"]) == (52, 1)
    assert response.context["refused"] == 2
    body = response.content.decode()
    assert "already in the project as “Old one”" in body
    assert "no text layer" in body and "not a kind of file Reader reads" in body
    assert Document.objects.filter(project=project).count() == 53
    page = Document.objects.get(origin="https://wire.example/2020/02/strike")
    assert page.title == "Strike kills 33 Turkish soldiers"
    assert "Cookie policy" not in page.text
    assert Document.objects.get(origin="report.pdf").title == "PDF report"
    assert Document.objects.get(origin="note-07.txt").added_by == bob


def test_one_file_by_htmx_gets_its_result_items(client, bob, project):
    client.force_login(bob)
    response = upload(client, project, {"a.txt": b"A text\n"}, htmx=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert 'data-status="added"' in body
    response = upload(client, project, {"a.txt": b"A text\n"}, htmx=True)
    assert 'data-status="present"' in response.content.decode()


def test_a_zip_goes_in_entry_by_entry_under_base_names_only(client, bob, project):
    client.force_login(bob)
    data = make_zip(
        {
            "../../evil/one.txt": b"One\n",
            "folder/two.md": b"Two\n",
            "nested.zip": make_zip({"x.txt": b"X"}),
        }
    )
    response = upload(client, project, {"sources.zip": data})
    assert (response.context["added"], response.context["refused"]) == (2, 1)
    assert sorted(Document.objects.values_list("origin", flat=True)) == ["one.txt", "two.md"]


def test_all_text_of_web_pages_can_be_kept(client, bob, project):
    client.force_login(bob)
    upload(client, project, {"page.html": SAVED_PAGE}, all_text="on")
    assert "Cookie policy" in Document.objects.get().text


@pytest.mark.parametrize(
    ("fields", "files", "message"),
    [
        ({}, {}, "Choose one or more files."),
        ({"new_outlet": ""}, {"a.txt": b"A"}, "Choose an outlet"),
    ],
)
def test_an_upload_without_files_or_outlet_is_refused(client, bob, project, fields, files, message):
    client.force_login(bob)
    response = upload(client, project, files, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists()


def test_the_upload_page_has_a_picker_a_drop_zone_and_its_script(client, bob, project):
    client.force_login(bob)
    body = client.get(upload_url(project)).content.decode()
    assert 'type="file" id="id_files" name="files" multiple' in body
    assert "webkitdirectory" in body and "data-drop-zone" in body
    assert "reader/upload.js" in body and "<progress" in body


def test_a_viewer_cannot_upload(client, carol, project):
    client.force_login(carol)
    response = upload(client, project, {"a.txt": b"A"})
    assert response.status_code == 403
    assert not Document.objects.exists()
