"""W3C annotation collections and pages: written (a collection streamed whole, or served a
page at a time) and read back (every annotation a file holds, imported onto one document).

Collections are streamed: the items are encoded one by one as the rows arrive, so memory
does not grow with the number of annotations.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING

import orjson
from django.db.models import Q

from reader.formats.hypothesis import hypothesis_to_w3c, is_hypothesis
from reader.formats.w3c import (
    W3C_CONTEXT,
    SourceVersions,
    listify,
    project_facets,
    read_annotation,
    types,
    write_links,
)
from reader.formats.w3c_json import kept_annotations_json
from reader.iris import Iris, page_iri
from reader.models import Annotation, Document
from reader.selectors.exports import AnnotationRow, LinkRow, export_rows
from reader.services.documents import annotation_create
from reader.services.imports import ImportRefused, ImportReport, dry_run_rollback
from reader.services.versions import annotations_carry_forward

if TYPE_CHECKING:
    from reader.formats import Export

PAGE_SIZE = 100
# Rows fetched per query while streaming (links come with them, one query per chunk).
EXPORT_CHUNK = 1000
STREAM_BATCH = 200

# --- writing --------------------------------------------------------------------------------


def w3c_items(rows: Iterable[tuple[AnnotationRow, list[LinkRow]]], iris: Iris) -> Iterator[bytes]:
    """Each annotation's JSON (w3c_json.w3c_annotation_json, or the same bytes kept from
    an earlier read), a batch of rows at a time as they arrive."""
    rows = iter(rows)
    while batch := list(islice(rows, STREAM_BATCH)):
        yield from kept_annotations_json(batch, iris)


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


def annotation_page(*, collection: dict, page: int, page_size: int, items: list) -> dict:
    """One page of a collection, with `partOf` the collection (as an object). The items
    are annotations' JSON (orjson.Fragment of w3c_items), which orjson writes as they are."""
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


def page_items(rows: Iterable[tuple[AnnotationRow, list[LinkRow]]], iris: Iris) -> list:
    """A page's items for annotation_page: each annotation's JSON, written once."""
    return [orjson.Fragment(item) for item in kept_annotations_json(list(rows), iris)]


# Where the items go in the encoded outer document: a NUL byte, which orjson never writes
# itself (it escapes control characters in strings), so no label can contain it.
_ITEMS = orjson.Fragment(b"\x00")


def _stream(outer: dict, items: Iterable[bytes]) -> Iterator[bytes]:
    """`outer` encoded with the items where it holds _ITEMS, a batch at a time (one chunk
    per annotation would make the response's chunks tiny)."""
    head, tail = orjson.dumps(outer).split(b"\x00")
    yield head + b"["
    batch: list[bytes] = []
    first = True
    for item in items:
        batch.append(item)
        if len(batch) == STREAM_BATCH:
            yield (b"" if first else b",") + b",".join(batch)
            batch, first = [], False
    if batch:
        yield (b"" if first else b",") + b",".join(batch)
    yield b"]" + tail


def _whole_page(*, iri: str, label: str, total: int) -> dict:
    return {
        "id": page_iri(iri, "all"),
        "type": "AnnotationPage",
        "partOf": {"id": iri, "label": label, "total": total},
        "startIndex": 0,
        "items": _ITEMS,
    }


def stream_collection(
    *, iri: str, label: str, total: int, items: Iterable[bytes]
) -> Iterator[bytes]:
    """The whole collection as one JSON document, with one page holding every annotation
    embedded as `first`, written item by item as the rows arrive."""
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
    *, iri: str, label: str, total: int, items: Iterable[bytes]
) -> Iterator[bytes]:
    """The page that holds every annotation (`?page=all`), on its own."""
    page = {"@context": W3C_CONTEXT, **_whole_page(iri=iri, label=label, total=total)}
    return _stream(page, items)


def export_items(export: Export) -> Iterator[bytes]:
    """The export's annotations, read a chunk at a time."""
    rows = export_rows(export.annotations, sees_hidden=export.sees_hidden, chunk_size=EXPORT_CHUNK)
    return w3c_items(rows, export.iris)


def stream(export: Export, *, whole_page: bool = False) -> Iterator[bytes]:
    """The export as one collection (or, with `whole_page`, as its one page), in UTF-8:
    what the views send."""
    stream = stream_whole_page if whole_page else stream_collection
    return stream(
        iri=export.iri,
        label=export.label,
        total=export.annotations.count(),
        items=export_items(export),
    )


def write(export: Export) -> Iterator[str]:
    """The format's writer (FORMATS, export_project): the collection as text, a batch of
    whole annotations per chunk."""
    return (chunk.decode() for chunk in stream(export))


# --- reading --------------------------------------------------------------------------------

MAX_ANNOTATIONS = 10_000
ERROR_TOO_MANY = (
    "The file holds {count:,} annotations; one import takes at most {limit:,}: split it."
)


def annotations_in(data) -> list:
    """The annotations a W3C document holds, or ImportRefused saying why there are none or
    too many (each is checked, previewed and written within one request)."""
    items = _annotations_in(data)
    if len(items) > MAX_ANNOTATIONS:
        raise ImportRefused([ERROR_TOO_MANY.format(count=len(items), limit=MAX_ANNOTATIONS)])
    return items


def _annotations_in(data) -> list:
    if isinstance(data, list):
        return [hypothesis_to_w3c(item) if is_hypothesis(item) else item for item in data]
    if isinstance(data, dict) and isinstance(data.get("rows"), list):  # Hypothesis's search API
        return _annotations_in(data["rows"])
    if is_hypothesis(data):
        return [hypothesis_to_w3c(data)]
    if not isinstance(data, dict):
        raise ImportRefused(["This is not W3C Web Annotation JSON: expected an object or a list."])
    found = types(data)
    if "Annotation" in found:
        return [data]
    if "AnnotationPage" in found:
        return listify(data.get("items"))
    if "AnnotationCollection" in found:
        first = data.get("first")
        if isinstance(first, dict):
            return listify(first.get("items"))
        if data.get("total") == 0:
            return []
        raise ImportRefused(
            [
                "The collection's pages are not in the file (its “first” is a link): export it "
                "whole, or import each page."
            ]
        )
    raise ImportRefused(
        [
            "This is not W3C Web Annotation JSON: no Annotation, AnnotationPage or "
            "AnnotationCollection type."
        ]
    )


def _records(items: list, document: Document, skip_unanchored: bool, report) -> list[dict]:
    """What to create for each item, or ImportRefused with every problem. Items that
    cannot be anchored (and have no other problem) are refused too, unless the importer
    chose to `skip_unanchored`: then they are listed in the report and left out."""
    facets = project_facets(document.project_id)
    versions = SourceVersions(document)
    records, problems, seen, unanchored = [], [], set(), []
    for index, item in enumerate(items):
        record, item_problems = read_annotation(item, index, document, facets, versions)
        if record is not None and record["span"] is None and len(item_problems) == 1:
            unanchored += item_problems
            continue
        problems += item_problems
        if record is None:
            continue
        if record["id"]:
            if record["id"] in seen:
                problems.append(f"annotation {record['id']}: appears twice in the file")
            seen.add(record["id"])
        records.append(record)
    if problems or (unanchored and not skip_unanchored):
        raise ImportRefused(problems + unanchored, unanchored=unanchored if not problems else [])
    report.skipped = unanchored
    return records


def w3c_import(
    *,
    data,
    document: Document,
    default_author,
    keep_authors: bool = False,
    dry_run: bool = False,
    skip_unanchored: bool = False,
) -> ImportReport:
    """Import every annotation in `data` onto `document`, or none of them (or, with
    `skip_unanchored`, every one that anchors, the others listed in the report). With
    `keep_authors`, a creator who is a member of the project stays the author; without,
    everything is credited to `default_author` (the person importing). An import never
    creates accounts."""
    report = ImportReport(project=document.project)
    records = _records(annotations_in(data), document, skip_unanchored, report)
    members = {}
    if keep_authors:
        members = {
            m.user.get_username(): m.user
            for m in document.project.memberships.select_related("user")
        }
    with dry_run_rollback(dry_run):
        made = [
            _write(record, document, members.get(record["author"], default_author), report)
            for record in records
        ]
        # Those made on an older version (their target's TimeState), brought to the latest.
        counts = annotations_carry_forward(document=document, annotations=[a for a in made if a])
        report.reanchored.update({status: n for status, n in counts.items() if n})
    return report


def read(
    *,
    data,
    project,
    document,
    actor,
    keep_authors: bool,
    dry_run: bool,
    skip_unanchored: bool = False,
    **bundle_only,
) -> ImportReport:
    """The format's reader, as FORMATS calls it: onto `document`, credited to `actor` (the
    bundle's `foreign_authors` and `create_accounts` do not apply: W3C creators are only
    ever kept when they are members, with `keep_authors`)."""
    return w3c_import(
        data=data,
        document=document,
        default_author=actor,
        keep_authors=keep_authors,
        dry_run=dry_run,
        skip_unanchored=skip_unanchored,
    )


def document_for(data, project=None) -> Document | None:
    """The Reader document a file's first annotation targets: by its IRI here
    (…/p/<project>/documents/<id>/) or by the URL the document came from (its origin)."""
    items = annotations_in(data)
    first = items[0] if items and isinstance(items[0], dict) else {}
    target = listify(first.get("target"))[:1]
    source = target[0] if target and isinstance(target[0], str) else None
    if target and isinstance(target[0], dict):
        source = target[0].get("source")
    if not isinstance(source, str) or not source:
        return None
    documents = Document.objects.select_related("project")
    if project is not None:
        documents = documents.filter(project=project)
    match = DOCUMENT_IRI.search(source)
    if match:
        found = documents.filter(project__slug=match[1], pk=int(match[2])).first()
        if found is not None:
            return found
    return documents.filter(origin=source).order_by("pk").first()


DOCUMENT_IRI = re.compile(r"/p/([-\w]+)/documents/(\d+)/$")
OWN_IRI = re.compile(r"/api/p/([-\w]+)/(?:documents/(\d+)/annotations/([^/]+)|annotations/(\d+))/$")


def _own(identifier: str, document: Document) -> Q:
    """Reader's IRI for an annotation of this document (this project's slug, this
    document), as an export from here names it; nothing for any other IRI."""
    match = OWN_IRI.search(identifier)
    if not match or match[1] != document.project.slug or match[2] not in {None, str(document.pk)}:
        return Q(pk__in=[])
    key = match[3] or match[4]
    return Q(pk=int(key)) if key.isdigit() else Q(slug=key)


def existing_annotation(record: dict, document: Document) -> Annotation | None:
    """The annotation an imported one already is: by its IRI (this instance's own, or
    the one it was imported from, kept as via) or its canonical IRI; never by its span
    alone, so two annotations on one span stay two."""
    identifier, canonical = record["id"], record["canonical"]
    if not identifier and not canonical:
        return None
    found = Q(pk__in=[])
    if identifier:
        # One of this project's own IRIs names that annotation here, but the same project
        # on another instance may have given its number to another one: it must also start
        # where the record does, or have been made when the record says (to the second, as
        # exports write it), which still holds after the span moved.
        same = Q(start=record["span"][0])
        if created := record.get("created"):
            same |= Q(created__gte=created, created__lt=created + datetime.timedelta(seconds=1))
        found |= Q(via=identifier) | (_own(identifier, document) & same)
    if canonical:
        found |= Q(canonical=canonical)
    return Annotation.objects.filter(found, document=document).order_by("pk").first()


def _write(record: dict, document: Document, author, report: ImportReport) -> Annotation | None:
    """Write one record; the annotation when it is new."""
    start, end = record["span"]
    existing = existing_annotation(record, document)
    report.count("annotations", existed=existing is not None)
    annotation = existing or annotation_create(
        document=document,
        author=author,
        kind=record["kind"],
        start=start,
        end=end,
        note=record["note"],
        text_version=record["text_version"],
        w3c={name: record[name] for name in ("canonical", "via", "foreign")},
    )
    write_links(annotation, record["links"], author, report)
    return None if existing else annotation
