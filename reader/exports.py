"""The JSON shapes Reader exports: W3C Web Annotations and their collections.

Each annotation is a W3C Annotation (https://www.w3.org/TR/annotation-model/) whose
`@context` is exactly the W3C one. Its bodies: a tagging TextualBody with the kind, a
commenting TextualBody with the note, and, per facet link, a linking SpecificResource whose
source is the facet's IRI. W3C has no terms for a facet's value, attribution or stance, so
linking bodies carry them under Reader's own small context (READER_CONTEXT, served at
/ns/reader.jsonld and described in docs/w3c.md).

Collections are streamed: the items are encoded one by one as the rows arrive, so memory
does not grow with the number of annotations.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal, NamedTuple, NotRequired, TypedDict

from reader.access import visible_note

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MEDIA_TYPE = f'application/ld+json; profile="{W3C_CONTEXT}"'
PAGE_SIZE = 100

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
    }
}


@dataclass(frozen=True)
class Iris:
    """The IRIs of one project's resources on one host. Built with f-strings rather than
    reverse() (a test holds them equal): an export of 100,000 annotations makes 300,000."""

    base: str
    slug: str

    def annotation(self, pk: int) -> str:
        """The annotation's id: its resource in the API, which serves it as JSON-LD."""
        return f"{self.base}/api/p/{self.slug}/annotations/{pk}/"

    def container(self, document_pk: int) -> str:
        return f"{self.base}/api/p/{self.slug}/documents/{document_pk}/annotations/"

    def document(self, pk: int) -> str:
        return f"{self.base}/p/{self.slug}/documents/{pk}/"

    def event(self, pk: int) -> str:
        return f"{self.base}/p/{self.slug}/events/{pk}/"

    def facet(self, event_pk: int, facet_pk: int) -> str:
        return f"{self.event(event_pk)}#facet-{facet_pk}"

    @property
    def context(self) -> str:
        return f"{self.base}/ns/reader.jsonld"


class TextQuoteSelector(TypedDict):
    type: Literal["TextQuoteSelector"]
    exact: str
    prefix: str
    suffix: str


class TextPositionSelector(TypedDict):
    type: Literal["TextPositionSelector"]
    start: int
    end: int


class Target(TypedDict):
    type: Literal["SpecificResource"]
    source: str
    selector: list[TextQuoteSelector | TextPositionSelector]


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


def utc(moment: datetime.datetime) -> str:
    """xsd:dateTime in UTC with Z, as the model asks."""
    if moment.utcoffset() != datetime.timedelta(0):  # the database gives UTC already
        moment = moment.astimezone(datetime.UTC)
    return f"{moment.isoformat(timespec='seconds')[:19]}Z"


class AnnotationRow(NamedTuple):
    """What an export shows of an annotation, as read from the database in one tuple."""

    pk: int
    document_id: int
    kind: str
    start: int
    end: int
    quote_exact: str
    quote_prefix: str
    quote_suffix: str
    note: str
    created: datetime.datetime
    modified: datetime.datetime
    author: str


class LinkRow(NamedTuple):
    """What an export shows of a facet link."""

    annotation_id: int
    facet_id: int
    event_id: int
    event: str
    facet: str
    value: str
    attribution: str
    stance: str
    claimed_at: datetime.datetime | None


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


def w3c_annotation(row: AnnotationRow, links: Iterable[LinkRow], iris: Iris) -> W3CAnnotation:
    """One annotation in the W3C model: the only place its shape is written."""
    bodies: list[TextualBody | LinkingBody] = [
        {"type": "TextualBody", "purpose": "tagging", "value": row.kind, "format": "text/plain"},
    ]
    if row.note:
        bodies.append(
            {
                "type": "TextualBody",
                "purpose": "commenting",
                "value": row.note,
                "format": "text/plain",
            }
        )
    bodies += [_linking_body(link, iris) for link in links]
    return {
        "@context": W3C_CONTEXT,
        "id": iris.annotation(row.pk),
        "type": "Annotation",
        "motivation": "tagging",
        "created": utc(row.created),
        "modified": utc(row.modified),
        "creator": {"type": "Person", "nickname": row.author},
        "body": bodies,
        "target": {
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
        },
    }


def annotation_to_w3c(annotation, iris: Iris, *, sees_hidden: bool) -> W3CAnnotation:
    """One annotation instance; `annotation.links` should be prefetched with their facets
    and events. A note a moderator hid is left out unless the reader `sees_hidden`."""
    row = AnnotationRow(
        annotation.pk,
        annotation.document_id,
        annotation.kind,
        annotation.start,
        annotation.end,
        annotation.quote_exact,
        annotation.quote_prefix,
        annotation.quote_suffix,
        visible_note(annotation.note, annotation.hidden_reason, sees_hidden),
        annotation.created,
        annotation.modified,
        annotation.author.get_username(),
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


def w3c_items(
    rows: Iterable[tuple[AnnotationRow, list[LinkRow]]], iris: Iris
) -> Iterator[W3CAnnotation]:
    return (w3c_annotation(row, links, iris) for row, links in rows)


def page_iri(collection: str, page: int | Literal["all"]) -> str:
    joiner = "&" if "?" in collection else "?"
    return f"{collection}{joiner}page={page}"


def collection_description(*, iri: str, label: str, total: int, page_size: int) -> dict:
    """The collection itself, pointing at its first and last pages."""
    description = {
        "@context": W3C_CONTEXT,
        "id": iri,
        "type": "AnnotationCollection",
        "label": label,
        "total": total,
    }
    if total:
        description["first"] = page_iri(iri, 0)
        description["last"] = page_iri(iri, (total - 1) // page_size)
    return description


def annotation_page(
    *, collection: dict, page: int, page_size: int, items: list[W3CAnnotation]
) -> dict:
    """One page of a collection, with `partOf` the collection (as an object)."""
    last = max(0, (collection["total"] - 1) // page_size)
    result = {
        "@context": W3C_CONTEXT,
        "id": page_iri(collection["id"], page),
        "type": "AnnotationPage",
        "partOf": {key: collection[key] for key in ("id", "label", "total")},
        "startIndex": page * page_size,
        "items": items,
    }
    if page < last:
        result["next"] = page_iri(collection["id"], page + 1)
    if page > 0:
        result["prev"] = page_iri(collection["id"], page - 1)
    return result


_ITEMS = "__ITEMS__"


def _stream(outer: dict, items: Iterable[W3CAnnotation]) -> Iterator[str]:
    """`outer` encoded with the items where it holds _ITEMS, a batch at a time (one string
    per annotation would make the response's chunks tiny)."""
    head, tail = json.dumps(outer, ensure_ascii=False).split(json.dumps(_ITEMS))
    encode = json.JSONEncoder(ensure_ascii=False).encode
    yield head + "["
    batch: list[str] = []
    first = True
    for item in items:
        batch.append(encode(item))
        if len(batch) == STREAM_BATCH:
            yield ("" if first else ",") + ",".join(batch)
            batch, first = [], False
    if batch:
        yield ("" if first else ",") + ",".join(batch)
    yield "]" + tail


STREAM_BATCH = 200


def _whole_page(*, iri: str, label: str, total: int) -> dict:
    return {
        "id": page_iri(iri, "all"),
        "type": "AnnotationPage",
        "partOf": {"id": iri, "label": label, "total": total},
        "startIndex": 0,
        "items": _ITEMS,
    }


def stream_collection(
    *, iri: str, label: str, total: int, items: Iterable[W3CAnnotation]
) -> Iterator[str]:
    """The whole collection as one JSON document, with one page holding every annotation
    embedded as `first`, encoded item by item as the rows arrive."""
    page = _whole_page(iri=iri, label=label, total=total)
    collection = {
        "@context": W3C_CONTEXT,
        "id": iri,
        "type": "AnnotationCollection",
        "label": label,
        "total": total,
        "first": page,
        "last": page["id"],
    }
    return _stream(collection, items)


def stream_whole_page(
    *, iri: str, label: str, total: int, items: Iterable[W3CAnnotation]
) -> Iterator[str]:
    """The page that holds every annotation (`?page=all`), on its own."""
    page = {"@context": W3C_CONTEXT, **_whole_page(iri=iri, label=label, total=total)}
    return _stream(page, items)


# The project bundle: everything in a project, lossless, for moving it between instances.
BUNDLE_FORMAT = "reader-bundle"
BUNDLE_VERSION = 1


def iso(moment: datetime.datetime | datetime.date | None) -> str | None:
    """Full precision, so that a round trip loses nothing."""
    return moment.isoformat() if moment else None


def _stream_sections(head: dict, sections: dict[str, Iterable[dict]]) -> Iterator[str]:
    """`head` then each section as a JSON array, one record per line, in a stable order."""
    yield json.dumps(head, ensure_ascii=False, sort_keys=True)[:-1]
    for name, records in sections.items():
        yield f', "{name}": ['
        for index, record in enumerate(records):
            yield (
                ("," if index else "")
                + "\n  "
                + json.dumps(record, ensure_ascii=False, sort_keys=True)
            )
        yield "\n]"
    yield "}"


def stream_bundle(
    project, *, members, outlets, documents, events, facets, annotations, sees_hidden: bool
):
    """The bundle as JSON text, section by section. Each argument is a list (or, for
    annotations, an iterator) in a stable order that depends only on the data, and the
    keys ("d1", "f3", ...) follow that order: exporting a round-tripped project again gives
    the same bytes. Annotations carry their facet links, and what a moderator hid: its
    reason always, the hidden note itself only for a reader who `sees_hidden`."""
    outlet_keys = {outlet.pk: f"o{n}" for n, outlet in enumerate(outlets, start=1)}
    document_keys = {document.pk: f"d{n}" for n, document in enumerate(documents, start=1)}
    event_keys = {event.pk: f"e{n}" for n, event in enumerate(events, start=1)}
    facet_keys = {facet.pk: f"f{n}" for n, facet in enumerate(facets, start=1)}
    head = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "project": {
            "slug": project.slug,
            "name": project.name,
            "description": project.description,
        },
    }

    def annotation_records():
        for n, annotation in enumerate(annotations, start=1):
            yield {
                "key": f"a{n}",
                "document": document_keys[annotation.document_id],
                "author": annotation.author.get_username(),
                "kind": annotation.kind,
                "start": annotation.start,
                "end": annotation.end,
                "quote": {
                    "exact": annotation.quote_exact,
                    "prefix": annotation.quote_prefix,
                    "suffix": annotation.quote_suffix,
                },
                "note": visible_note(annotation.note, annotation.hidden_reason, sees_hidden),
                "hidden_reason": annotation.hidden_reason,
                "created": iso(annotation.created),
                "modified": iso(annotation.modified),
                "version": annotation.version,
                "accepted": annotation.accepted,
                "links": sorted(
                    (
                        {
                            "facet": facet_keys[link.facet_id],
                            "value": link.value,
                            "attribution": link.attribution,
                            "stance": link.stance,
                            "claimed_at": iso(link.claimed_at),
                            "author": link.author.get_username(),
                            "created": iso(link.created),
                        }
                        for link in annotation.links.all()
                    ),
                    key=lambda link: int(link["facet"][1:]),
                ),
            }

    sections = {
        "members": [{"username": m.user.get_username(), "role": m.role} for m in members],
        "outlets": [
            {"key": outlet_keys[o.pk], "name": o.name, "kind": o.kind, "perspective": o.perspective}
            for o in outlets
        ],
        "documents": [
            {
                "key": document_keys[d.pk],
                "outlet": outlet_keys[d.outlet_id],
                "title": d.title,
                "published": iso(d.published),
                "origin": d.origin,
                "language": d.language,
                "added_by": d.added_by.get_username() if d.added_by else None,
                "created": iso(d.created),
                "content_hash": d.content_hash,
                "text": d.text,
            }
            for d in documents
        ],
        "events": [
            {
                "key": event_keys[e.pk],
                "name": e.name,
                "description": e.description,
                "starts": iso(e.starts),
                "ends": iso(e.ends),
                "place": e.place,
                "created": iso(e.created),
            }
            for e in events
        ],
        "facets": [
            {
                "key": facet_keys[f.pk],
                "event": event_keys[f.event_id],
                "name": f.name,
                "value_type": f.value_type,
                "order": f.order,
            }
            for f in facets
        ],
        "annotations": annotation_records(),
    }
    return _stream_sections(head, sections)
