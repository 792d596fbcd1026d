"""Stored XSS: script, event-handler, javascript: and SVG payloads in every field a person
can write (notes, replies, titles, texts, outlet, event and facet names, link values and
attributions, usernames, token names, invitations, moderation reasons, file names, imported
JSON and uploaded HTML) stay inert text in every page and partial that shows them, in the
admin, in error messages, and in exports (served as JSON, never sniffed as HTML)."""

from __future__ import annotations

import json

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reader.models import Annotation, Document
from reader.services.projects import project_create
from tests.factories import UserFactory
from tests.hostile.conftest import (
    INVITEE,
    LINK_PAYLOADS,
    NOTE,
    PAYLOAD,
    SHORT_PAYLOAD,
    assert_inert,
    injected,
    label,
    routes,
    snapshot,
)
from tests.hostile.test_access_ids import url_for


def html_of(response) -> str:
    body = b"".join(response) if response.streaming else response.content
    return body.decode()


def test_the_check_finds_what_a_payload_would_make():
    """The check itself: markup made from a payload is found; escaped text is not."""
    assert injected(f"<p>{PAYLOAD}</p>")
    assert injected(f"<p>{SHORT_PAYLOAD}</p>")
    assert injected('<a href=" java\tscript:x">x</a>')
    assert injected("<form hx-on:submit='x'></form>")
    escaped = PAYLOAD.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert injected(f'<p title="{escaped.replace(chr(34), "&quot;")}">{escaped}</p>') == []


def test_every_page_and_partial_keeps_payloads_inert(client, hostile, alice, evil, carol):
    """Every URL the resolver knows, as the owner (who sees hidden notes), the annotator
    who wrote the payloads, and a viewer; as a page and as htmx asks for it."""
    ids = {name: obj.pk for name, obj in hostile.items()}
    slug = hostile["document"].project.slug
    checked, problems = 0, []
    for user in (alice, evil, carol):
        client.force_login(user)
        for route in routes():
            if route.name == "logout":
                continue
            pks = [ids[route.target]] if route.target else sorted(set(ids.values()))
            for pk in pks:
                url = url_for(route, slug=slug, pk=pk)
                for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                    response = client.get(url, **headers)
                    if "html" not in response.get("Content-Type", ""):
                        continue
                    checked += 1
                    problems += [f"{url} as {user}: {p}" for p in injected(html_of(response))]
    assert problems == []
    assert checked > 100


def get(client, user, url: str, **headers) -> str:
    client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return html_of(response)


def test_the_reader_page_shows_every_payload_as_text(client, hostile, alice):
    document = hostile["document"]
    html = get(client, alice, document.get_absolute_url())
    assert_inert(
        html,
        shows=[
            label("title"),
            label("text"),
            label("outlet"),
            label("value"),
            label("attribution"),
            label("reason"),
            label("reply reason"),
            SHORT_PAYLOAD,
            *LINK_PAYLOADS[:4],
        ],
    )


def test_a_viewer_sees_the_moderators_reason_as_text(client, hostile, carol):
    html = get(client, carol, hostile["document"].get_absolute_url())
    assert_inert(html, shows=[label("reason"), label("reply reason")])


def test_notes_never_link_to_scripts(client, hostile, alice):
    """Links in notes are made clickable: only http(s) ones, and attributes stay text."""
    html = get(client, alice, hostile["document"].get_absolute_url())
    from tests.hostile.conftest import parse

    hrefs = [a["href"] for tag, a in parse(html).elements if tag == "a" and a.get("href")]
    linkified = [href for href in hrefs if "example.org" in href]
    assert linkified, "the http(s) links in the note were linkified"
    assert all(href.startswith(("http://", "https://")) for href in linkified)
    assert not [href for href in hrefs if "__xss" in href and not href.startswith("http")]


@pytest.mark.parametrize(
    ("page", "shows"),
    [
        ("document_list", ["title", "outlet", "project"]),
        ("event_list", ["event", "place"]),
        ("event_detail", ["event", "facet", "value", "attribution", "outlet", "title"]),
        ("event_compare", ["facet", "text"]),
        ("member_list", []),
        ("document_agreement", ["text"]),
        ("project_agreement", []),
        ("activity_list", []),
        ("trash_list", []),
        ("import_preview", ["file", "Count"]),
        ("account", ["token"]),
        ("project_list", ["project"]),
    ],
)
def test_each_page_shows_its_payloads_as_text(client, hostile, alice, evil, page, shows):
    ids = {name: obj.pk for name, obj in hostile.items()}
    slug = hostile["document"].project.slug
    route = next(r for r in routes() if r.name.split(":")[-1] == page)
    url = url_for(route, slug=slug, pk=ids.get(route.target or "", 0))
    texts = [label(what)[:60] for what in shows]  # some pages shorten long names
    if page in {"member_list", "document_agreement", "project_agreement", "activity_list"}:
        texts.append(SHORT_PAYLOAD)
    if page == "member_list":
        texts.append(INVITEE)
    if page == "import_preview":
        texts.append(SHORT_PAYLOAD)
    assert_inert(get(client, alice, url), shows=texts)


def test_panel_partials_keep_payloads_inert(client, hostile, alice, evil):
    slug = hostile["document"].project.slug
    annotation, reply = hostile["annotation"], hostile["reply"]
    partials = {
        "annotation_detail": (annotation.pk, [SHORT_PAYLOAD, label("value")]),
        "annotation_update": (annotation.pk, [NOTE]),
        "annotation_delete": (annotation.pk, []),
        "facet_link_create": (annotation.pk, []),
        "reply_create": (annotation.pk, []),
        "annotation_hide": (annotation.pk, []),
        "reply_hide": (reply.pk, []),
    }
    for name, (pk, shows) in partials.items():
        url = reverse(f"reader:{name}", args=[slug, pk])
        assert_inert(get(client, alice, url, HTTP_HX_REQUEST="true"), shows=shows)
    url = reverse("reader:reply_update", args=[slug, reply.pk])
    assert_inert(get(client, evil, url, HTTP_HX_REQUEST="true"), shows=[NOTE])


# --- the admin ----------------------------------------------------------------------------


def test_the_admin_keeps_payloads_inert(client, hostile, evil):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    problems, pages = [], 0
    for model, model_admin in admin.site._registry.items():
        info = model._meta.app_label, model._meta.model_name
        urls = [reverse("admin:{}_{}_changelist".format(*info))]
        urls += [
            reverse("admin:{}_{}_change".format(*info), args=[pk])
            for pk in model_admin.get_queryset(None).values_list("pk", flat=True)[:3]
        ]
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            pages += 1
            problems += [f"{url}: {p}" for p in injected(response.content.decode())]
    assert problems == []
    assert pages > 10
    users = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert_inert(users, shows=[SHORT_PAYLOAD])
    documents = client.get(reverse("admin:reader_document_changelist")).content.decode()
    assert_inert(documents, shows=[label("title")])


# --- error messages that quote what was sent ----------------------------------------------


@pytest.mark.parametrize("htmx", [False, True])
def test_a_mismatched_quote_is_quoted_back_as_text(client, hostile, alice, htmx):
    document = hostile["document"]
    client.force_login(alice)
    url = reverse("reader:annotation_create", args=[document.project.slug, document.pk])
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    data = {"kind": "claim", "start": 0, "end": 5, "quote": SHORT_PAYLOAD[:30]}
    before = snapshot()
    response = client.post(url, data, **headers)
    assert response.status_code == 400
    assert_inert(response.content.decode(), shows=[SHORT_PAYLOAD[:30]])
    assert snapshot() == before


def test_form_errors_quote_names_back_as_text(client, hostile, alice):
    slug = hostile["document"].project.slug
    client.force_login(alice)
    before = snapshot()
    response = client.post(reverse("reader:member_list", args=[slug]), {"invitee": PAYLOAD})
    assert response.status_code == 400
    assert_inert(response.content.decode())
    upload = SimpleUploadedFile(f"{SHORT_PAYLOAD}.exe", b"text", content_type="text/plain")
    response = client.post(
        reverse("reader:document_create", args=[slug]), {"new_outlet": "Wire", "file": upload}
    )
    assert response.status_code == 400
    assert_inert(response.content.decode(), shows=["is not a kind of file Reader reads"])
    assert snapshot() == before


# --- exports ------------------------------------------------------------------------------


def strings_in(data) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = [*data.keys(), *data.values()]
    if isinstance(data, list):
        return [text for item in data for text in strings_in(item)]
    return []


def test_exports_are_json_that_no_browser_renders_as_html(client, hostile, alice):
    document, event = hostile["document"], hostile["event"]
    slug = document.project.slug
    client.force_login(alice)
    urls = [
        reverse("reader:project_export", args=[slug]),
        reverse("reader:project_export", args=[slug]) + "?format=bundle",
        reverse("reader:project_export", args=[slug]) + "?page=all",
        reverse("reader:project_export", args=[slug]) + "?page=0",
        reverse("reader:document_export", args=[slug, document.pk]),
        reverse("reader:document_export", args=[slug, document.pk]) + "?page=all",
        reverse("reader:event_export", args=[slug, event.pk]),
        reverse("reader:api_container", args=[slug, document.pk]),
        reverse(
            "reader:api_annotation",
            args=[slug, hostile["annotation"].document_id, hostile["annotation"].pk],
        ),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content_type = response["Content-Type"]
        assert content_type.startswith(("application/json", "application/ld+json")), url
        assert response["X-Content-Type-Options"] == "nosniff", url
        body = html_of(response)
        data = json.loads(body)
        # The payloads are in the data as strings (the export is lossless)...
        assert any(PAYLOAD in text for text in strings_in(data)), url
        # ...and a page opened directly, not as a download, is never HTML.
        if "attachment" not in response.get("Content-Disposition", ""):
            assert "html" not in content_type


def test_api_errors_that_quote_the_request_are_json(client, hostile, alice):
    document = hostile["document"]
    client.force_login(alice)
    missing = {"type": "TextQuoteSelector", "exact": "not in the text"}
    body = {"type": "Annotation", "id": PAYLOAD, "target": {"source": "x", "selector": missing}}
    url = reverse("reader:api_container", args=[document.project.slug, document.pk])
    before = snapshot()
    response = client.post(url, json.dumps(body), content_type="application/ld+json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert PAYLOAD in response.json()["error"]
    assert snapshot() == before


# --- imports ------------------------------------------------------------------------------


def w3c_annotation(note: str = NOTE, **fields) -> dict:
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "type": "Annotation",
        "body": [
            {"type": "TextualBody", "purpose": "tagging", "value": "claim"},
            {"type": "TextualBody", "purpose": "commenting", "value": note},
        ],
        "target": {"selector": {"type": "TextQuoteSelector", "exact": "33 soldiers"}},
        **fields,
    }


def upload(client, project, data, *, document=None):
    """Upload JSON to the import page: W3C annotations onto `document`, else a bundle."""
    raw = json.dumps(data).encode()
    file = SimpleUploadedFile(f"{SHORT_PAYLOAD}.json", raw, content_type="application/json")
    url = reverse("reader:import_upload", args=[project.slug])
    form = {"kind": "w3c", "document": document.pk} if document else {"kind": "bundle"}
    return client.post(url, {**form, "file": file})


def test_imported_w3c_annotations_are_inert_in_the_preview_and_the_reader(client, hostile, alice):
    document = hostile["document"]
    client.force_login(alice)
    note = f"Imported: {NOTE}"
    annotations = [w3c_annotation(note, id=f"urn:{PAYLOAD}")]
    response = upload(client, document.project, annotations, document=document)
    assert response.status_code == 302
    assert_inert(html_of(client.get(response["Location"])), shows=[SHORT_PAYLOAD])
    assert client.post(response["Location"]).status_code == 302
    assert Annotation.objects.filter(document=document, author=alice, note=note).count() == 1
    assert_inert(get(client, alice, document.get_absolute_url()), shows=[f"Imported: {PAYLOAD}"])


def test_problems_in_an_import_quote_its_ids_as_text(client, hostile, alice):
    document = hostile["document"]
    client.force_login(alice)
    bad = w3c_annotation(id=PAYLOAD)
    bad["target"] = {"selector": {"type": "TextQuoteSelector", "exact": PAYLOAD + "nowhere"}}
    bad["body"].append({"purpose": "linking", "event": PAYLOAD, "facet": PAYLOAD})
    before = snapshot()
    response = upload(client, document.project, [bad], document=document)
    assert response.status_code == 400
    assert_inert(html_of(response), shows=[PAYLOAD])
    assert snapshot() == before


def test_an_imported_bundle_is_inert_in_the_preview_and_after(client, hostile, alice):
    """The hostile project's own bundle, imported into a fresh project of alice's: refused
    (inertly) for its username sign-up would not take; with that name made plain, every
    other payload goes in and stays inert."""
    client.force_login(alice)
    source = hostile["document"].project
    raw = html_of(
        client.get(reverse("reader:project_export", args=[source.slug]) + "?format=bundle")
    )
    target = project_create(name="Fresh", slug="fresh", owner=alice)
    response = upload(client, target, json.loads(raw))
    assert response.status_code == 400
    assert_inert(html_of(response), shows=[SHORT_PAYLOAD, "is not a username sign-up would take"])
    bundle = json.loads(raw.replace(json.dumps(SHORT_PAYLOAD)[1:-1], "evil"))
    response = upload(client, target, bundle)
    assert response.status_code == 302, html_of(response)
    assert_inert(html_of(client.get(response["Location"])), shows=[SHORT_PAYLOAD])
    assert client.post(response["Location"]).status_code == 302
    imported = Document.objects.get(project=target)
    for url in (
        imported.get_absolute_url(),
        reverse("reader:document_list", args=[target.slug]),
        reverse("reader:member_list", args=[target.slug]),
        reverse("reader:event_list", args=[target.slug]),
    ):
        assert_inert(get(client, alice, url), shows=[])
    assert_inert(get(client, alice, imported.get_absolute_url()), shows=[label("title")])


# --- uploaded HTML sources ----------------------------------------------------------------

HOSTILE_HTML = f"""<!doctype html><html><head><title>{PAYLOAD}</title>
<script>__xss=1</script><style>body{{background:url(javascript:__xss=1)}}</style></head>
<body onload="__xss=1"><h1>Strikes near Balyun</h1>
<p>33 soldiers <img src=x onerror="__xss=1"> were killed.</p>
<svg><script>__xss=1</script><a xlink:href="javascript:__xss=1">svg link</a></svg>
<a href="javascript:__xss=1">a link</a><iframe src="javascript:__xss=1"></iframe>
<!-- <script>__xss=1</script> --><![CDATA[<script>__xss=1</script>]]>
<p>Escaped: &lt;script data-pwned&gt;__xss=1&lt;/script&gt;</p>
<math><mtext><script>__xss=1</script></mtext></math>
<noscript><p title="</noscript><img src=x onerror=__xss=1>"></noscript>
</body></html>"""


def test_an_uploaded_html_source_keeps_only_its_text(client, project, alice):
    client.force_login(alice)
    file = SimpleUploadedFile("report.html", HOSTILE_HTML.encode(), content_type="text/html")
    response = client.post(
        reverse("reader:document_create", args=[project.slug]),
        {"new_outlet": "Wire", "language": "en", "file": file},
    )
    # First the extracted text to check, inert, nothing saved; then it is saved as shown.
    assert response.status_code == 200
    assert_inert(response.content.decode(), shows=["Strikes near Balyun"])
    assert not Document.objects.exists()
    initial = response.context["form"].initial
    response = client.post(
        reverse("reader:document_create", args=[project.slug]),
        {"new_outlet": "Wire", "language": "en", "text": initial["text"], "title": "T"},
    )
    assert response.status_code == 302
    document = Document.objects.get(project=project)
    assert "Strikes near Balyun" in document.text
    assert "33 soldiers" in document.text
    assert "onerror" not in document.text
    assert "<img" not in document.text
    # What the page said as text stays text: shown, escaped.
    assert "<script data-pwned>__xss=1</script>" in document.text
    assert_inert(
        get(client, alice, document.get_absolute_url()),
        shows=["<script data-pwned>__xss=1</script>"],
    )
