"""Export, import and API tokens in headless Chromium: the "Export W3C JSON" downloads of a
project, a document and an event (checked against the W3C schemas and the database), a
bundle exported then imported into another project through the preview, a refused upload,
W3C annotations restored onto a document by an annotator, a personal API token created,
used and revoked, and what a viewer may do."""

from __future__ import annotations

import hashlib
import json
import re
import urllib.request
from pathlib import Path
from urllib.error import HTTPError

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from reader.access import ERROR_READ_ONLY
from reader.formats import w3c
from reader.models import Annotation, ApiToken, Document, Event, FacetLink, PendingImport, Project
from reader.services.projects import membership_set
from reader.vocabularies import ImportKind, Kind, Role
from tests.browser.test_annotate import expect_highlight, expect_panel_item
from tests.test_w3c_export import ANNOTATION_MUSTS, COLLECTION_MUSTS, PAGE_MUSTS, failures

pytestmark = pytest.mark.browser

BALYUN = "2020 Balyun airstrikes"
LIVE_UPDATES = "Live Updates: Russian Air Forces"
SOLDIERS = "Turkish and Syrian soldiers"


# Downloads and W3C collections.


def download(page: Page, link: Locator) -> tuple[str, bytes]:
    """Click a link that downloads: its suggested filename and the file's bytes."""
    expect(link).to_have_attribute("download", "")
    with page.expect_download() as info:
        link.click()
    done = info.value
    assert done.failure() is None
    return done.suggested_filename, Path(done.path()).read_bytes()


def annotation_iri(live_server, project: Project, annotation) -> str:
    args = [project.slug, annotation.document_id, annotation.pk]
    return live_server.url + reverse("reader:api_annotation", args=args)


def check_collection(live_server, raw: bytes, *, iri: str, annotations) -> dict:
    """The downloaded collection passes the W3C musts (collection, embedded page, every
    item) and holds exactly `annotations`, each once."""
    collection = json.loads(raw)
    assert failures(collection, COLLECTION_MUSTS) == []
    assert collection["id"] == iri
    page = collection["first"]
    assert failures({"@context": w3c.W3C_CONTEXT, **page}, PAGE_MUSTS) == []
    assert page["partOf"]["id"] == iri
    items = page["items"]
    for item in items:
        assert failures(item, ANNOTATION_MUSTS) == [], item["id"]
    expected = list(annotations.order_by("document_id", "start", "end", "pk"))
    assert collection["total"] == len(items) == len(expected) > 0
    project = expected[0].document.project
    assert [item["id"] for item in items] == [
        annotation_iri(live_server, project, annotation) for annotation in expected
    ]
    return collection


# The import page.


def choose_kind(page: Page, kind: str) -> None:
    page.get_by_role("radio", name=kind).check()


def upload_file(page: Page, *, name: str, content: bytes, mime: str = "application/json"):
    """Put a file in the import form and click Preview; the response to that POST."""
    page.get_by_label("File").set_input_files({"name": name, "mimeType": mime, "buffer": content})
    with page.expect_response(lambda response: response.request.method == "POST") as info:
        page.get_by_role("button", name="Preview").click()
    return info.value


def preview_rows(page: Page) -> list[list[str]]:
    rows = page.locator("table.import-counts tbody tr")
    expect(rows.first).to_be_visible()
    return [
        [cell.strip() for cell in rows.nth(index).locator("td").all_text_contents()]
        for index in range(rows.count())
    ]


def project_contents(project: Project) -> tuple[list, list]:
    """Annotations and facet links by what they say, not by their database ids."""
    annotations = sorted(
        (a.document.content_hash, a.start, a.end, a.kind, a.author.username, a.note)
        for a in Annotation.objects.filter(document__project=project).select_related(
            "document", "author"
        )
    )
    links = sorted(
        (
            link.annotation.document.content_hash,
            link.annotation.start,
            link.annotation.end,
            link.facet.event.name,
            link.facet.name,
            link.value,
            link.attribution,
            link.stance,
            link.claimed_at,
        )
        for link in FacetLink.objects.filter(annotation__document__project=project).select_related(
            "annotation__document", "facet__event"
        )
    )
    return annotations, links


def document_contents(document: Document) -> tuple[list, list]:
    annotations = sorted((a.start, a.end, a.kind, a.note) for a in document.annotations.all())
    links = sorted(
        (
            link.annotation.start,
            link.annotation.end,
            link.facet_id,
            link.value,
            link.attribution,
            link.stance,
            link.claimed_at,
        )
        for link in FacetLink.objects.filter(annotation__document=document).select_related(
            "annotation"
        )
    )
    return annotations, links


# The API, as a script would call it: no browser, no cookies.


def api_request(url: str, *, token: str, body: dict) -> tuple[int, dict, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode("utf-8"),
        method="POST",
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f'application/ld+json; profile="{w3c.W3C_CONTEXT}"',
            "Accept": "application/ld+json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except HTTPError as error:
        with error:
            return error.code, dict(error.headers), json.loads(error.read())


# 1. Export W3C JSON from the project, document and event pages.


def test_export_w3c_json_from_project_document_and_event_pages(
    page, live_server, login, demo_project, alice
):
    login(alice)
    project_annotations = Annotation.objects.filter(document__project=demo_project)
    assert project_annotations.count() == 45

    # The library page.
    page.goto(demo_project.get_absolute_url())
    link = page.locator(".page-actions").get_by_role("link", name="Export W3C JSON", exact=True)
    filename, raw = download(page, link)
    assert filename == "idlib-2020-annotations.jsonld"
    export_url = reverse("reader:project_export", args=[demo_project.slug])
    collection = check_collection(
        live_server, raw, iri=live_server.url + export_url, annotations=project_annotations
    )
    assert collection["label"] == f"Annotations in {demo_project.name}"

    # A document's reader page: only that document's annotations.
    document = demo_project.documents.get(title__startswith=LIVE_UPDATES)
    page.goto(document.get_absolute_url())
    link = page.locator(".reader-head").get_by_role("link", name="Export W3C JSON", exact=True)
    filename, raw = download(page, link)
    assert filename.endswith(".jsonld")
    assert filename == f"idlib-2020-document-{document.pk}-annotations.jsonld"
    export_url = reverse("reader:document_export", args=[demo_project.slug, document.pk])
    collection = check_collection(
        live_server, raw, iri=live_server.url + export_url, annotations=document.annotations
    )
    assert collection["total"] == 10
    document_iri = live_server.url + document.get_absolute_url()
    assert {item["target"]["source"] for item in collection["first"]["items"]} == {document_iri}

    # An event's matrix page: the annotations linked to the event, each once.
    event = demo_project.events.get(name=BALYUN)
    page.goto(event.get_absolute_url())
    expect(page.locator("table.facet-matrix")).to_be_visible()
    link = page.locator(".page-actions").get_by_role("link", name="Export W3C JSON", exact=True)
    filename, raw = download(page, link)
    assert filename == f"idlib-2020-event-{event.pk}-annotations.jsonld"
    linked = project_annotations.filter(links__facet__event=event).distinct()
    assert linked.count() == 36
    export_url = reverse("reader:event_export", args=[demo_project.slug, event.pk])
    collection = check_collection(
        live_server, raw, iri=live_server.url + export_url, annotations=linked
    )
    for item in collection["first"]["items"]:
        assert any(body.get("event") == event.name for body in item["body"]), item["id"]


# 2. A bundle exported from one project and imported into another, through the preview.


def test_bundle_export_then_import_into_a_new_project(
    page, live_server, login, demo_project, alice
):
    login(alice)
    page.goto(demo_project.get_absolute_url())
    link = page.locator(".page-actions").get_by_role("link", name="Export bundle", exact=True)
    filename, raw = download(page, link)
    assert filename == "idlib-2020-bundle.json"
    bundle = json.loads(raw)
    assert len(bundle["annotations"]) == 45

    copy = Project.objects.create(name="Idlib, second look", slug="idlib-copy")
    membership_set(project=copy, user=alice, role=Role.OWNER)
    page.goto(copy.get_absolute_url())
    expect(page.locator("#document-table")).to_contain_text("No sources yet.")
    page.locator(".page-actions").get_by_role("link", name="Import", exact=True).click()
    expect(page).to_have_url(live_server.url + reverse("reader:import_upload", args=[copy.slug]))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Import into {copy.name}")

    choose_kind(page, "Reader bundle")
    response = upload_file(page, name=filename, content=raw)
    assert response.status == 302
    pending = PendingImport.objects.get()
    assert (pending.project, pending.user, pending.kind) == (copy, alice, ImportKind.BUNDLE)
    preview_url = reverse("reader:import_preview", args=[copy.slug, pending.pk])
    expect(page).to_have_url(live_server.url + preview_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Import {filename}?")

    demo_annotations, demo_links = project_contents(demo_project)
    members = demo_project.memberships.count()
    assert members == 4  # amira, jonas, reviewer, and alice, who is already in the copy
    expected_rows = [
        ["Annotations", "45", "0"],
        ["Documents", str(demo_project.documents.count()), "0"],
        ["Entities", str(len(bundle["entities"])), "0"],
        ["Events", str(demo_project.events.count()), "0"],
        ["Facet links", str(len(demo_links)), "0"],
        ["Facets", str(len(bundle["facets"])), "0"],
        ["Invitations", str(members - 1), "0"],
        ["Members", "0", "1"],
        ["Outlets", str(demo_project.outlets.count()), "0"],
    ]
    assert preview_rows(page) == expected_rows
    # An upload makes no one a member: the bundle's members are invited, and the work of
    # those who are not members yet is credited to the importer (the preview's default).
    expect(page.locator("main")).to_contain_text(
        "Invited, with the roles the bundle gives them: amira (annotator), jonas (annotator), "
        "reviewer (viewer)."
    )
    # Only a preview: nothing is in the copy yet.
    assert not copy.documents.exists()
    assert not Annotation.objects.filter(document__project=copy).exists()
    assert not copy.events.exists() and not copy.outlets.exists()
    assert copy.memberships.count() == 1

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page).to_have_url(live_server.url + copy.get_absolute_url())
    created = ", ".join(
        f"{new} {name.lower()}" for name, new, _ in expected_rows if new != "0"
    )  # ImportReport.summary: sorted by name, like the preview
    expect(page.locator("ul.messages")).to_have_text(
        f"{filename}: Imported {created}; already present: 1 members; "
        "credited to the importer: the work of amira, jonas."
    )
    expect(page.locator("#document-table tbody tr")).to_have_count(demo_project.documents.count())

    assert not PendingImport.objects.exists()
    assert copy.documents.count() == demo_project.documents.count()
    assert Annotation.objects.filter(document__project=copy).count() == 45
    assert FacetLink.objects.filter(annotation__document__project=copy).count() == len(demo_links)
    credited = [(*row[:4], "alice", *row[5:]) for row in demo_annotations]
    assert project_contents(copy) == (sorted(credited), demo_links)
    assert copy.memberships.count() == 1
    assert sorted(copy.invitations.values_list("invitee", flat=True)) == [
        "amira",
        "jonas",
        "reviewer",
    ]
    # The demo project itself is untouched.
    assert project_contents(demo_project) == (demo_annotations, demo_links)


# 3. A file that is not JSON.


def test_an_upload_that_is_not_json_is_refused_and_nothing_stored(
    page, live_server, login, demo_project, alice
):
    login(alice)
    before = project_contents(demo_project)
    page.goto(reverse("reader:import_upload", args=[demo_project.slug]))
    choose_kind(page, "Reader bundle")
    response = upload_file(
        page, name="notes.txt", content=b"Casualty figures, to check.\n", mime="text/plain"
    )
    assert response.status == 400
    expect(page).to_have_url(
        live_server.url + reverse("reader:import_upload", args=[demo_project.slug])
    )
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was imported.")
    expect(alert.locator("ul.problems li")).to_have_text(
        ["The file is not valid JSON: Expecting value (line 1, column 1)."]
    )
    # The form is there again, to upload a better file.
    expect(page.get_by_role("radio", name="Reader bundle")).to_be_checked()
    expect(page.get_by_role("button", name="Preview")).to_be_visible()
    assert not PendingImport.objects.exists()
    assert project_contents(demo_project) == before


# 4. W3C annotations restored onto their document by an annotator.


def test_annotator_restores_a_documents_w3c_export(page, live_server, login, demo_project, bob):
    membership_set(project=demo_project, user=bob, role=Role.ANNOTATOR)
    document = demo_project.documents.get(title__startswith=LIVE_UPDATES)
    before = document_contents(document)
    assert len(before[0]) == 10 and before[1]
    login(bob)

    page.goto(document.get_absolute_url())
    link = page.locator(".reader-head").get_by_role("link", name="Export W3C JSON", exact=True)
    filename, raw = download(page, link)
    assert json.loads(raw)["total"] == 10

    document.annotations.all().delete()
    assert not FacetLink.objects.filter(annotation__document=document).exists()

    page.goto(demo_project.get_absolute_url())
    page.locator(".page-actions").get_by_role("link", name="Import", exact=True).click()
    choose_kind(page, "W3C Web Annotations")
    page.get_by_role("combobox", name="Document").select_option(label=document.title)
    response = upload_file(page, name=filename, content=raw)
    assert response.status == 302
    pending = PendingImport.objects.get()
    assert (pending.user, pending.kind, pending.document) == (bob, ImportKind.W3C, document)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Import {filename}?")
    expect(page.locator("main")).to_contain_text(
        f"W3C Web Annotations (onto one document) onto {document.title}."
    )
    assert preview_rows(page) == [
        ["Annotations", "10", "0"],
        ["Facet links", str(len(before[1])), "0"],
    ]
    assert not document.annotations.exists()  # only a preview

    page.get_by_role("button", name="Import", exact=True).click()
    expect(page).to_have_url(live_server.url + document.get_absolute_url())
    expect(page.locator("ul.messages")).to_have_text(
        f"{filename}: Imported 10 annotations, {len(before[1])} facet links."
    )
    expect(page.locator("#annotation-panel .annotation-item")).to_have_count(10)
    assert not PendingImport.objects.exists()
    assert document_contents(document) == before
    # Through the web, an import is credited to whoever imports it (the file's creators
    # are amira and jonas).
    assert set(document.annotations.values_list("author__username", flat=True)) == {"bob"}
    for annotation in document.annotations.select_related("author"):
        expect_highlight(page, annotation)
        expect(page.locator(f"#annotation-{annotation.pk} .item-author")).to_have_text("bob")


def test_w3c_import_by_an_annotator_is_credited_to_them(
    page, live_server, login, demo_project, alice, bob
):
    """Creators named in the file (the owner; someone with no account) do not become
    authors through the web: the annotator who imports is, and no account is made."""
    membership_set(project=demo_project, user=bob, role=Role.ANNOTATOR)
    document = demo_project.documents.get(title__startswith=SOLDIERS)
    quotes = {
        "alice": "five tanks, two armoured personnel carriers and a howitzer artillery launcher",
        "ghost": "A deadly Russian strike on Turkish troops would carry major implications",
    }
    items = []
    for nickname, quote in quotes.items():
        start = document.text.index(quote)
        items.append(
            {
                "@context": w3c.W3C_CONTEXT,
                "type": "Annotation",
                "creator": {"type": "Person", "nickname": nickname},
                "body": [{"type": "TextualBody", "purpose": "tagging", "value": "claim"}],
                "target": {
                    "source": live_server.url + document.get_absolute_url(),
                    "selector": [
                        {"type": "TextQuoteSelector", "exact": quote},
                        {"type": "TextPositionSelector", "start": start, "end": start + len(quote)},
                    ],
                },
            }
        )
    before = set(document.annotations.values_list("pk", flat=True))
    login(bob)
    page.goto(reverse("reader:import_upload", args=[demo_project.slug]))
    choose_kind(page, "W3C Web Annotations")
    page.get_by_role("combobox", name="Document").select_option(label=document.title)
    upload_file(page, name="theirs.jsonld", content=json.dumps(items).encode())
    assert preview_rows(page) == [["Annotations", "2", "0"]]
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("ul.messages")).to_have_text("theirs.jsonld: Imported 2 annotations.")

    new = document.annotations.exclude(pk__in=before).select_related("author")
    assert sorted((a.quote_exact, a.author) for a in new) == sorted(
        (quote, bob) for quote in quotes.values()
    )
    assert not type(bob).objects.filter(username="ghost").exists()
    for annotation in new:
        expect(page.locator(f"#annotation-{annotation.pk} .item-author")).to_have_text("bob")


# 5. A personal API token: created on the account page, used by a script, revoked.


def test_api_token_create_use_and_revoke(page, live_server, login, demo_project, alice):
    login(alice)
    page.goto(reverse("account"))
    page.get_by_label("Name").fill("script")
    page.get_by_role("button", name="Create a token").click()
    new_token = page.locator("code#new-token")
    expect(new_token).to_have_text(re.compile(r"^rdr_\S{20,}$"))
    token = new_token.text_content()
    row = ApiToken.objects.get()
    assert (row.user, row.name, row.prefix, row.last_used) == (alice, "script", token[:10], None)
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()  # only its hash is kept
    token_row = page.locator("table.library tbody tr", has_text="script")
    expect(token_row).to_contain_text(f"{token[:10]}…")
    expect(token_row).to_contain_text("never")

    document = demo_project.documents.get(title__startswith=SOLDIERS)
    quote = "five tanks, two armoured personnel carriers and a howitzer artillery launcher"
    start = document.text.index(quote)
    note = "Posted by a script with a personal token."
    body = {
        "@context": w3c.W3C_CONTEXT,
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": "claim"},
            {"type": "TextualBody", "purpose": "commenting", "value": note},
        ],
        "target": {
            "source": live_server.url + document.get_absolute_url(),
            "selector": [
                {"type": "TextQuoteSelector", "exact": quote},
                {"type": "TextPositionSelector", "start": start, "end": start + len(quote)},
            ],
        },
    }
    container = live_server.url + reverse(
        "reader:api_container", args=[demo_project.slug, document.pk]
    )
    before = set(document.annotations.values_list("pk", flat=True))
    page.goto(document.get_absolute_url())
    panel_items = page.locator("#annotation-panel .annotation-item")
    expect(panel_items).to_have_count(len(before))
    expect(panel_items.filter(has_text="five tanks")).to_have_count(0)

    status, headers, created = api_request(container, token=token, body=body)
    assert status == 201, created
    annotation = document.annotations.exclude(pk__in=before).select_related("author").get()
    assert headers["Location"] == annotation_iri(live_server, demo_project, annotation)
    assert created["id"] == headers["Location"]
    assert failures(created, ANNOTATION_MUSTS) == []
    assert (annotation.author, annotation.kind, annotation.note) == (alice, Kind.CLAIM, note)
    assert (annotation.start, annotation.end, annotation.quote_exact) == (
        start,
        start + len(quote),
        quote,
    )
    row.refresh_from_db()
    assert row.last_used is not None

    # Reloaded, the reader page shows it, as any other annotation.
    page.reload()
    expect(panel_items).to_have_count(len(before) + 1)
    expect_panel_item(page, annotation)
    expect_highlight(page, annotation)

    # The token is shown once only; revoke it.
    page.goto(reverse("account"))
    expect(page.locator("code#new-token")).to_have_count(0)
    expect(page.get_by_text(token)).to_have_count(0)
    expect(token_row).not_to_contain_text("never")
    token_row.get_by_role("button", name="Revoke script").click()
    expect(page).to_have_url(live_server.url + reverse("account"))
    expect(page.locator("table.library tbody tr", has_text="script")).to_have_count(0)
    assert not ApiToken.objects.exists()

    status, headers, refused = api_request(container, token=token, body=body)
    assert status == 401
    assert refused == {"error": "This API token is not valid (revoked, or mistyped)."}
    assert headers["WWW-Authenticate"] == 'Bearer realm="Reader"'
    assert document.annotations.count() == len(before) + 1


# 6. A viewer exports but does not import.


def test_viewer_sees_exports_but_no_import(page, live_server, login, demo_project, carol):
    membership_set(project=demo_project, user=carol, role=Role.VIEWER)
    login(carol)
    page.goto(demo_project.get_absolute_url())
    actions = page.locator(".page-actions")
    expect(actions.get_by_role("link", name="Export W3C JSON", exact=True)).to_be_visible()
    expect(actions.get_by_role("link", name="Export bundle", exact=True)).to_be_visible()
    expect(actions.get_by_role("link", name="Import", exact=True)).to_have_count(0)
    expect(actions.get_by_role("link", name="Add a source", exact=True)).to_have_count(0)
    # The export works for a viewer.
    _, raw = download(page, actions.get_by_role("link", name="Export W3C JSON", exact=True))
    assert (
        json.loads(raw)["total"]
        == Annotation.objects.filter(document__project=demo_project).count()
    )

    event: Event = demo_project.events.get(name=BALYUN)
    page.goto(event.get_absolute_url())
    expect(page.get_by_role("link", name="Export W3C JSON", exact=True)).to_be_visible()

    response = page.goto(reverse("reader:import_upload", args=[demo_project.slug]))
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    expect(page.locator("main .error-message")).to_have_text(ERROR_READ_ONLY)
    expect(page.locator("form input[type=file]")).to_have_count(0)
    assert not PendingImport.objects.exists()
