"""The annotation kinds come from one table, reader.vocabularies.KINDS. Each test walks it: every
kind must show in the toolbar, the panel filters, the library counts, the event summary,
the API page, the stylesheet, the messages and the exports, so a kind left out anywhere
fails here. One test adds a kind to the table at run time and finds it everywhere that
does not need it in the database."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from reader.formats.w3c import read_annotation
from reader.services.documents import annotation_create
from reader.services.events import event_create, facet_create, facet_link_create
from reader.templatetags.reader_tags import counted
from reader.vocabularies import KINDS, Kind, KindStyle
from tests.factories import AnnotationFactory, DocumentFactory

KIND_VALUES = ("claim", "opinion")  # two kinds on one annotation: the message names them all
UNDERLINES = {"solid", "double", "dotted", "dashed", "wavy"}
QUOTE = "33 soldiers"


def test_the_table_has_each_kind_once_in_the_choices_order():
    # Untagged is a state before a kind, not one of them: never offered, filtered or counted.
    assert list(KINDS) == [kind for kind in Kind if kind is not Kind.UNTAGGED]
    assert Kind.UNTAGGED not in KINDS
    assert all(style.kind is kind for kind, style in KINDS.items())
    letters = [style.letter for style in KINDS.values()]
    shortcuts = [style.shortcut for style in KINDS.values()]
    assert len(set(letters)) == len(letters)
    assert len(set(shortcuts)) == len(shortcuts)
    for style in KINDS.values():
        assert re.fullmatch(r"[A-Z]", style.letter)
        assert re.fullmatch(r"[a-z]", style.shortcut)  # a plain key: Escape and Shift are taken
        assert re.fullmatch(r"#[0-9a-f]{6}", style.colour)
        assert re.fullmatch(r"#[0-9a-f]{6}", style.line)
        assert style.underline in UNDERLINES
        assert style.plural


@pytest.fixture
def annotated(project, bob, document):
    """One annotation of every kind in the table, all on one passage, all linked to one
    facet of an event."""
    event = event_create(project=project, name="Balyun strike")
    facet = facet_create(event=event, name="Perpetrator", value_type="actor")
    for kind in KINDS:
        annotation = AnnotationFactory(document=document, author=bob, kind=kind, quote=QUOTE)
        facet_link_create(annotation=annotation, facet=facet, author=bob, value="army")
    return event


def pages(client, bob, document, event) -> dict[str, str]:
    client.force_login(bob)
    project = document.project
    empty = DocumentFactory(project=project, title="Nothing yet", text="Quiet day.\n")
    urls = {
        "reader": document.get_absolute_url(),
        "empty reader": empty.get_absolute_url(),
        "library": reverse("reader:document_list", args=[project.slug]),
        "event": reverse("reader:event_detail", args=[project.slug, event.pk]),
        "api": reverse("api_docs"),
        "css": reverse("reader:kinds_css"),
    }
    found = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        found[name] = response.content.decode()
    return found


def kinds_in_summary(counts: dict[str, int]) -> str:
    """The kinds' part of an event's summary, for tests of it: "2 claims, 1 opinion, 0 user
    comments" (every kind of the table, in its order)."""
    return ", ".join(counted(kind, counts.get(kind.value, 0)) for kind in KINDS.values())


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) :][: html[html.index(start) :].index(end)]


def library_counts(html: str, document) -> list[str]:
    row = section(html, document.get_absolute_url(), "</tr>")
    return [cell.split("<")[0].strip() for cell in row.split('<td class="num">')[1:]]


def assert_shown_everywhere(found: dict[str, str], document, kind: KindStyle, count: int):
    toolbar = section(found["reader"], 'id="selection-toolbar"', "</form>")
    button = f'data-kind="{kind.value}" aria-keyshortcuts="{kind.shortcut}">{kind.label}</button>'
    assert button in toolbar
    assert f'class="k-{kind.value}"' in toolbar
    assert f"<kbd>{kind.shortcut}</kbd> {kind.label.lower()}," in toolbar
    filters = section(found["reader"], 'id="reader-filters"', "</form>")
    assert f'name="show" value="{kind.value}"' in filters
    assert f'kind-toggle k-{kind.value}"' in filters
    assert kind.label.lower() in section(found["empty reader"], 'class="panel-empty"', "</li>")

    library = found["library"]
    assert f'<span class="kind-badge k-{kind.value}">{kind.plural}</span>' in library
    counts = library_counts(library, document)
    assert len(counts) == len(KINDS)
    assert counts[list(KINDS.values()).index(kind)] == str(count)

    summary = " ".join(section(found["event"], 'id="matrix-summary"', "</p>").split())
    assert counted(kind, count) in summary

    assert f"<code>{kind.value}</code>" in found["api"]
    assert (
        f".k-{kind.value} {{ --kind-colour: {kind.colour}; --kind-line: {kind.line};"
        in (found["css"])
    )

    with pytest.raises(ValidationError) as refused:
        annotation_create(
            document=document, author=document.added_by, kind="rumour?", start=0, end=6
        )
    assert kind.label.lower() in str(refused.value)
    tags = [{"type": "TextualBody", "purpose": "tagging", "value": v} for v in KIND_VALUES]
    _, problems = read_annotation({"type": "Annotation", "body": tags}, 0, document, {})
    assert any(kind.value in problem for problem in problems)


@pytest.mark.parametrize("kind", list(KINDS.values()), ids=[kind.value for kind in KINDS])
def test_every_kind_is_shown_everywhere(client, bob, document, annotated, kind):
    found = pages(client, bob, document, annotated)
    assert_shown_everywhere(found, document, kind, count=1)
    marks = re.search(r'data-mark="([A-Z]+)">' + QUOTE, found["reader"]).group(1)
    assert kind.letter in marks


def test_every_kind_is_exported_as_its_tagging_value(client, bob, document, annotated):
    client.force_login(bob)
    url = reverse("reader:document_export", args=[document.project.slug, document.pk])
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    items = json.loads(content)["first"]["items"]
    tags = [
        body["value"] for item in items for body in item["body"] if body["purpose"] == "tagging"
    ]
    assert sorted(tags) == sorted(style.value for style in KINDS.values())


class Extra(models.TextChoices):
    RUMOUR = "rumour", "Rumour"


def test_a_kind_added_to_the_table_is_shown_everywhere(
    client, bob, document, annotated, monkeypatch
):
    """What a new kind needs besides the database (its choice and constraint come with the
    migration): an entry in the table is enough for every page, stylesheet and message."""
    rumour = KindStyle(Extra.RUMOUR, "Rumours", "R", "r", "#e9d5ff", "#581c87", "dashed")
    monkeypatch.setitem(KINDS, Extra.RUMOUR, rumour)
    found = pages(client, bob, document, annotated)
    assert_shown_everywhere(found, document, rumour, count=0)
    for kind in KINDS.values():
        if kind is not rumour:
            assert_shown_everywhere(found, document, kind, count=1)


def test_no_kind_is_written_out_in_the_stylesheet_script_or_templates():
    """The static files and templates name no kind: they loop over the table or read it
    from the page."""
    static = Path(settings.BASE_DIR) / "static" / "reader"
    css = (static / "reader.css").read_text()
    js = (static / "reader.js").read_text()
    templates = {
        path: path.read_text() for path in (Path(settings.BASE_DIR) / "templates").rglob("*.html")
    }
    for kind in KINDS.values():
        assert f"k-{kind.value}" not in css
        assert f'"{kind.value}"' not in js
        assert f"{kind.value}:" not in js
        for path, text in templates.items():
            for literal in (f"k-{kind.value}", f"{kind.value}_count", f"kind_counts.{kind.value}"):
                assert literal not in text, f"{path.name} names {literal}"
