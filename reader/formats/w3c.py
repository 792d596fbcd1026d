"""One annotation as a W3C Web Annotation (https://www.w3.org/TR/annotation-model/): the
shape written, and read back, side by side. Collections and pages are in w3c_collection.py.

The `@context` is exactly the W3C one. The bodies: a tagging TextualBody with the kind, a
commenting TextualBody with the note, and, per facet link, a linking SpecificResource whose
source is the facet's IRI. W3C has no terms for a facet's value, attribution or stance, so
linking bodies carry them under Reader's own small context (READER_CONTEXT, served at
/ns/reader.jsonld and described in docs/w3c.md).

Reading anchors an annotation by its TextPositionSelector, checked against its
TextQuoteSelector, and re-anchors it by the quote and its context when the two disagree.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Literal, NotRequired, TypedDict

from reader.formats.w3c_read import KIND_TAGS, listify, project_facets, read_annotation, types
from reader.formats.w3c_state import SourceVersions, exact_moment
from reader.iris import Iris
from reader.models import Annotation
from reader.selectors.exports import AnnotationRow, LinkRow
from reader.services.events import facet_link_create, facet_link_delete
from reader.vocabularies import Kind, Stance

__all__ = ["SourceVersions", "listify", "project_facets", "read_annotation", "types"]

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_TYPE = f'application/ld+json; profile="{W3C_CONTEXT}"'

# Reader's own terms, for what the W3C vocabulary does not name.
READER_CONTEXT = {
    "@context": {
        "reader": "https://reader.invalid/ns#",
        "facetValue": "reader:facetValue",
        "attribution": "reader:attribution",
        "stance": "reader:stance",
        "claimedAt": {"@id": "reader:claimedAt", "@type": "xsd:dateTime"},
        "facet": "reader:facet",
        "event": "reader:event",
        "xsd": "http://www.w3.org/2001/XMLSchema#",
        "dcterms": "http://purl.org/dc/terms/",
        "title": "dcterms:title",
        "outlet": "dcterms:publisher",
        "published": {"@id": "dcterms:issued", "@type": "xsd:date"},
        "origin": "reader:origin",
        "contentHash": "reader:contentHash",
        "text": "reader:text",
        "annotations": {"@id": "http://www.w3.org/ns/oa#annotationService", "@type": "@id"},
    }
}


class TextQuoteSelector(TypedDict):
    type: Literal["TextQuoteSelector"]
    exact: str
    prefix: str
    suffix: str


class TextPositionSelector(TypedDict):
    type: Literal["TextPositionSelector"]
    start: int
    end: int


class TimeState(TypedDict):
    type: Literal["TimeState"]
    sourceDate: str


class Target(TypedDict):
    type: Literal["SpecificResource"]
    source: str
    selector: list[TextQuoteSelector | TextPositionSelector]
    state: NotRequired[TimeState]


class TextualBody(TypedDict):
    type: Literal["TextualBody"]
    purpose: Literal["tagging", "commenting"]
    value: str
    format: str


LinkingBody = TypedDict(
    "LinkingBody",
    {
        "@context": str,
        "type": Literal["SpecificResource"],
        "purpose": Literal["linking"],
        "source": str,
        "event": str,
        "facet": str,
        "facetValue": str,
        "attribution": str,
        "stance": str,
        "claimedAt": NotRequired[str],
    },
)


class Creator(TypedDict):
    type: Literal["Person"]
    nickname: str


W3CAnnotation = TypedDict(
    "W3CAnnotation",
    {
        "@context": str,
        "id": str,
        "type": Literal["Annotation"],
        "motivation": Literal["tagging"],
        "created": str,
        "modified": str,
        "creator": Creator,
        "body": list[TextualBody | LinkingBody],
        "target": Target,
    },
)


ZERO = datetime.timedelta(0)


def utc(moment: datetime.datetime | str) -> str:
    """xsd:dateTime in UTC with Z, as the model asks; from a time, or from the database's
    text of one in UTC (exports.export_rows reads them so)."""
    if isinstance(moment, str):
        return f"{moment[:10]}T{moment[11:19]}Z"
    if moment.tzinfo is not datetime.UTC and moment.utcoffset() != ZERO:  # UTC already, mostly
        moment = moment.astimezone(datetime.UTC)
    return f"{moment.isoformat(timespec='seconds')[:19]}Z"


# --- writing --------------------------------------------------------------------------------


def _linking_body(link: LinkRow, iris: Iris) -> LinkingBody:
    body: LinkingBody = {
        "@context": iris.context,
        "type": "SpecificResource",
        "purpose": "linking",
        "source": iris.facet(link.event_id, link.facet_id),
        "event": link.event,
        "facet": link.facet,
        "facetValue": link.value,
        "attribution": link.attribution,
        "stance": link.stance,
    }
    if link.claimed_at:
        body["claimedAt"] = utc(link.claimed_at)
    return body


def _textual_body(purpose: Literal["tagging", "commenting"], value: str) -> TextualBody:
    return {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}


def _shaped(sent: dict | None, ours: TextualBody, same) -> dict:
    """A body as the client sent it, its value brought up to date (unless `same` says the
    sent value still means ours), or Reader's own."""
    if sent is None:
        return dict(ours)
    if same(sent.get("value")):
        return sent
    return {**sent, "value": ours["value"]}


def _bodies(row: AnnotationRow, links: Iterable[LinkRow], iris: Iris, foreign: dict) -> list:
    bodies: list = []
    if row.kind != Kind.UNTAGGED:
        bodies.append(
            _shaped(
                foreign.get("tag_body"),
                _textual_body("tagging", row.kind),
                lambda value: (
                    isinstance(value, str) and KIND_TAGS.get(value.casefold()) == row.kind
                ),
            )
        )
    if (row.note or "note_body" in foreign) and foreign.get("note_as") != "bodyValue":
        bodies.append(
            _shaped(
                foreign.get("note_body"),
                _textual_body("commenting", row.note),
                lambda value: value == row.note,
            )
        )
    bodies += [_linking_body(link, iris) for link in links]
    return bodies + list(foreign.get("bodies", []))


def w3c_annotation(row: AnnotationRow, links: Iterable[LinkRow], iris: Iris) -> W3CAnnotation:
    """One annotation in the W3C model: the only place its shape is written (w3c_json.py
    writes its bytes straight from the row for Reader's own annotations; tests hold the
    two equal). What a W3C client sent that Reader keeps verbatim (`row.foreign`, see
    w3c_read.py) is written back where it came from."""
    foreign = row.foreign or {}
    bodies = _bodies(row, links, iris, foreign)
    target: Target = {
        "type": "SpecificResource",
        "source": iris.document(row.document_id),
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": row.quote_exact,
                "prefix": row.quote_prefix,
                "suffix": row.quote_suffix,
            },
            {"type": "TextPositionSelector", "start": row.start, "end": row.end},
        ],
    }
    if row.source_date is not None:
        # The version of the source the selectors refer to, for a source that has several:
        # when it came in, to the microsecond (w3c_read.target_version reads it back).
        target["state"] = {"type": "TimeState", "sourceDate": exact_moment(row.source_date)}
    annotation: dict = {
        "@context": W3C_CONTEXT,
        "id": iris.annotation(row.document_id, row.slug or row.pk),
        "type": "Annotation",
        "motivation": "tagging",
        "created": utc(row.created),
        "modified": utc(row.modified),
        "creator": {"type": "Person", "nickname": row.author},
        "body": bodies,
        "target": target,
    }
    if not foreign and not row.canonical and not row.via:
        return annotation  # type: ignore[return-value]  # Reader's own: the fast path
    if row.note and foreign.get("note_as") == "bodyValue" and not bodies:
        annotation["bodyValue"] = row.note
    if not bodies:
        del annotation["body"]
    elif foreign.get("one_body") and len(bodies) == 1:
        annotation["body"] = bodies[0]
    if "target" in foreign:
        annotation["target"] = foreign["target"]
    for name in foreign.get("omit", []):
        annotation.pop(name, None)
    properties = dict(foreign.get("properties", {}))
    if row.canonical:
        annotation["canonical"] = row.canonical
    via = listify(properties.pop("via", None)) + ([row.via] if row.via else [])
    if via:
        annotation["via"] = via[0] if len(via) == 1 else via
    annotation.update(properties)
    return annotation  # type: ignore[return-value]


def document_description(document, iris: Iris) -> dict:
    """A document as the API serves it to a client writing selectors: `id` is the IRI
    annotations name as their target's source, and the offsets count code points of
    `text`, whose SHA-256 is `contentHash`."""
    return {
        "@context": [W3C_CONTEXT, iris.context],
        "id": iris.document(document.pk),
        "type": "Text",
        "title": document.title,
        "outlet": document.outlet.name,
        "published": document.published.isoformat() if document.published else None,
        "language": document.language,
        "origin": document.origin,
        "format": "text/plain",
        "contentHash": document.content_hash,
        "annotations": iris.container(document.pk),
        "text": document.text,
    }


def annotation_to_w3c(annotation, iris: Iris, *, sees_hidden: bool) -> W3CAnnotation:
    """One annotation instance; `annotation.links` should be prefetched with their facets
    and events. A note a moderator hid is left out unless the reader `sees_hidden`."""
    row = AnnotationRow.of(
        annotation,
        sees_hidden=sees_hidden,
        foreign=annotation.foreign,
        source_date=getattr(annotation, "source_date", None),
    )
    links = [
        LinkRow(
            link.annotation_id,
            link.facet_id,
            link.facet.event_id,
            link.facet.event.name,
            link.facet.name,
            link.value,
            link.attribution,
            link.stance,
            link.claimed_at,
        )
        for link in annotation.links.all()
    ]
    return w3c_annotation(row, links, iris)


# --- reading: w3c_read.py, and the links it finds written here --------------------------------


def write_links(annotation: Annotation, bodies: list[dict], author, report) -> None:
    """Create the facet links that read_annotation found, skipping those already there."""
    if not bodies:
        return
    linked = set(annotation.links.values_list("facet_id", flat=True))  # one query for all
    for body in bodies:
        if body["facet"].pk in linked:
            report.count("facet links", existed=True)
            continue
        linked.add(body["facet"].pk)
        facet_link_create(
            annotation=annotation,
            facet=body["facet"],
            author=author,
            value=str(body.get("facetValue") or ""),
            attribution=str(body.get("attribution") or ""),
            stance=body.get("stance", Stance.ASSERTS),
            claimed_at=body["claimedAt"],
        )
        report.count("facet links", existed=False)


def _link_key(facet_id: int, value, attribution, stance, claimed_at) -> tuple:
    """What tells two links of one annotation apart: a linking body read back, or a row."""
    return (facet_id, str(value or ""), str(attribution or ""), stance, claimed_at)


def replace_links(annotation: Annotation, bodies: list[dict], author, report) -> None:
    """The annotation's links as the linking bodies give them (a PUT): unchanged ones stay
    as they are, with their author; the others go; new ones are made by `author`."""
    wanted = {
        _link_key(
            body["facet"].pk,
            body.get("facetValue"),
            body.get("attribution"),
            body.get("stance", Stance.ASSERTS),
            body["claimedAt"],
        ): body
        for body in bodies
    }
    for link in annotation.links.all():
        key = _link_key(link.facet_id, link.value, link.attribution, link.stance, link.claimed_at)
        if wanted.pop(key, None) is None:
            facet_link_delete(link=link, actor=author)
    write_links(annotation, list(wanted.values()), author, report)
