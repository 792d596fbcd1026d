"""Getting sources in, in headless Chromium: fifty files chosen at once go in one by one
with a progress bar and a summary, and a saved web page is shown as its main text with its
metadata filled in, falls back to all its text, and is saved."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reader.models import Document
from tests.factories import DocumentFactory
from tests.sourcefiles import PAGE_MAIN_SENTENCE, SAVED_PAGE

pytestmark = pytest.mark.browser


def test_fifty_files_go_in_at_once_with_progress(page, login, project, bob):
    DocumentFactory(project=project, title="Old one", text="Note number 7\n")
    login(bob)
    page.goto(reverse("reader:document_upload", args=[project.slug]))
    page.get_by_label("…or a new outlet").fill("Wire")
    files = [
        {
            "name": f"note-{n:02}.txt",
            "mimeType": "text/plain",
            "buffer": f"Note number {n}\n".encode(),
        }
        for n in range(49)
    ]
    files.append({"name": "tool.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"})
    page.locator("#id_files").set_input_files(files)
    page.get_by_role("button", name="Add sources").click()
    progress = page.locator("[data-progress]")
    expect(page.locator("[data-progress-count]")).to_have_text("50/50", timeout=30_000)
    expect(progress).to_have_attribute("max", "50")
    assert progress.evaluate("bar => bar.value") == 50
    summary = page.locator("[data-upload-summary]")
    expect(summary).to_have_text("Added 48, already present 1, refused 1.")
    outcomes = page.locator("[data-upload-outcomes] li")
    expect(outcomes).to_have_count(50)
    expect(outcomes.filter(has_text="note-07.txt")).to_contain_text("already in the project")
    expect(outcomes.filter(has_text="tool.exe")).to_contain_text("not a kind of file")
    assert Document.objects.filter(project=project, outlet__name="Wire").count() == 48
    # The page stayed where it was: the files went by script, not by one form post.
    assert page.url.endswith(reverse("reader:document_upload", args=[project.slug]))


def test_a_saved_web_page_is_previewed_with_its_metadata(page, login, project, bob):
    login(bob)
    page.goto(reverse("reader:document_create", args=[project.slug]))
    page.locator("#id_file").set_input_files(
        {"name": "strike.html", "mimeType": "text/html", "buffer": SAVED_PAGE}
    )
    page.get_by_role("button", name="Add source").click()
    expect(page.get_by_role("heading", name="Check the text before saving")).to_be_visible()
    text = page.get_by_role("textbox", name="Text:")
    expect(text).to_have_value(re.compile(PAGE_MAIN_SENTENCE))
    assert "Cookie policy" not in text.input_value()
    expect(page.get_by_label("Title")).to_have_value("Strike kills 33 Turkish soldiers")
    expect(page.get_by_label("…or a new outlet")).to_have_value("The Wire")
    expect(page.get_by_label("Published on")).to_have_value("2020-02-28")
    expect(page.get_by_label("Origin")).to_have_value("https://wire.example/2020/02/strike")
    expect(page.locator(".source-metadata")).to_contain_text("Jane Roe")
    assert page.title() != "ran"  # the page's own script never ran
    assert not Document.objects.exists()

    page.get_by_role("button", name="Use all text instead").click()
    expect(page.get_by_role("textbox", name="Text:")).to_have_value(re.compile("Cookie policy"))
    page.get_by_role("button", name="Add source").click()
    expect(page.locator("h1")).to_contain_text("Strike kills 33 Turkish soldiers")
    document = Document.objects.get()
    assert (document.outlet.name, document.published) == ("The Wire", datetime.date(2020, 2, 28))
    assert "Cookie policy" in document.text
