"""The project bundle: everything in a project, lossless, for moving it between instances.
Written here (stream_bundle); checked on the way back in by bundle_check.py (check_bundle);
a checked bundle is written into a project by bundle_load.py."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

import orjson

from reader import vocabularies
from reader.access import visible_note
from reader.formats.bundle_check import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    READABLE_VERSIONS,
    check_bundle,
    version_texts,
)
from reader.selectors.bundle import (
    BundleAnnotation,
    BundleLink,
    DocumentRow,
    ReplyRow,
    TrashRow,
    bundle_contents,
    bundle_versions,
)

if TYPE_CHECKING:
    from reader.formats import Export

SORTED = orjson.OPT_SORT_KEYS
# A document's text is encoded this many characters at a time, so that a long source is
# never held a second time as one JSON string (and a third as its bytes).
TEXT_SLICE = 1 << 16
WRITE_SIZE = 1 << 18  # bytes of the bundle handed to the server at a time
ONE_VERSION = (1, 1, str(vocabularies.AnchorStatus.EXACT))  # made on, text version, status


def iso(moment: datetime.datetime | datetime.date | None) -> str | None:
    """Full precision, so that a round trip loses nothing."""
    return moment.isoformat() if moment else None


def iso_text(text: str | None) -> str | None:
    """iso() of a time given as the database's text of it in UTC (the bundle selectors read
    times so: none is parsed only to be written again): SQLite's, as Django writes it
    ("2026-02-27 19:00:00", six digits or none after, no offset), directly; PostgreSQL's
    ("+00" after it, no trailing zeros) and any other through datetime."""
    if text is None:
        return None
    if len(text) == 19 or (len(text) == 26 and text[19] == "." and text[20:].isdigit()):
        return f"{text[:10]}T{text[11:]}+00:00"
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).isoformat()


def _encode(record: dict) -> bytes:
    return orjson.dumps(record, option=SORTED)


def _holds_float(value) -> bool:
    """Whether a value orjson read holds a float: written by orjson its own way (exponents),
    and what orjson makes of an integer past 64 bits."""
    pending = [value]
    while pending:
        item = pending.pop()
        kind = type(item)
        if kind is dict:
            pending.extend(item.values())
        elif kind is list:
            pending.extend(item)
        elif kind is float:
            return True
    return False


def _foreign(text: str) -> orjson.Fragment:
    """What a W3C client sent, as the standard library writes it (sorted keys, compact,
    UTF-8), so that a round trip gives the same bytes: by orjson where it writes the same
    (no float): 23-25 ms instead of 32-42 for the peer harness's 2,350 client-made
    targets; else as the standard library does (orjson refuses NaN and lone surrogates,
    and would make an integer past 64 bits a float: kept as they came, losslessly)."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        pass
    else:
        if not _holds_float(value):
            return orjson.Fragment(orjson.dumps(value, option=SORTED))
    value = json.loads(text)
    return orjson.Fragment(
        json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    )


def _w3c(annotation: BundleAnnotation) -> dict:
    """What a W3C client gave that Reader keeps (formats/w3c_read.py), when there is any."""
    a = annotation
    if not (a.slug or a.request_key or a.canonical or a.via or a.foreign != "{}"):
        return {}  # most annotations: made in Reader
    kept = {
        "slug": a.slug,
        "request_key": a.request_key,
        "canonical": a.canonical,
        "via": a.via,
        "foreign": _foreign(a.foreign) if a.foreign != "{}" else None,
    }
    return {name: value for name, value in kept.items() if value}


def _anchoring_record(annotation: BundleAnnotation) -> dict:
    """An annotation's versions and anchoring, unless they are the defaults of a source with
    one version (made on version 1, exact there): such bundles are written as before."""
    defaults = (annotation.made_on, annotation.text_version, annotation.anchor_status)
    if defaults == ONE_VERSION:
        return {}
    proposed = [annotation.proposed_start, annotation.proposed_end]
    return {
        "made_on": annotation.made_on,
        "text_version": annotation.text_version,
        "anchor_status": annotation.anchor_status,
        "proposed": proposed if annotation.proposed_start is not None else None,
    }


def _annotation_record(
    key: str,
    annotation: BundleAnnotation,
    links: list[BundleLink],
    replies: list[ReplyRow],
    keys: dict,
    sees_hidden: bool,
) -> dict:
    """One annotation with its links (by their facets' order) and replies; times come as
    the database's text (iso_text), flags as 0 or 1 or as booleans."""
    facets = keys["facets"]
    link_records = [
        {
            "facet": facets[link.facet_id],
            "value": link.value,
            "attribution": link.attribution,
            "stance": link.stance,
            "claimed_at": iso_text(link.claimed_at),
            "author": link.author,
            "created": iso_text(link.created),
            # An analyst's pin (true: an earlier value; false: current); null: automatic.
            "superseded": bool(link.superseded) if link.superseded_pinned else None,
        }
        for link in links
        if link.facet_id in facets  # a trashed link to a facet deleted since: gone
    ]
    record = {
        "key": key,
        "document": keys["documents"][annotation.document_id],
        "author": annotation.author,
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
        "hidden_by": annotation.hidden_by,
        "resolved": bool(annotation.resolved),
        "created": iso_text(annotation.created),
        "modified": iso_text(annotation.modified),
        "version": annotation.version,
        "accepted": bool(annotation.accepted),
        **_anchoring_record(annotation),
        "links": sorted(link_records, key=lambda link: int(link["facet"][1:])),
        "replies": [
            {
                "author": reply.author,
                "text": visible_note(reply.text, reply.hidden_reason, sees_hidden),
                "hidden_reason": reply.hidden_reason,
                "hidden_by": reply.hidden_by,
                "created": iso_text(reply.created),
                "modified": iso_text(reply.modified),
            }
            for reply in replies
        ],
    }
    if w3c := _w3c(annotation):
        record["w3c"] = w3c
    return record


def _trash_records(trash: Iterable[TrashRow], keys: dict, sees_hidden: bool) -> list[dict]:
    """The trash: each deleted annotation (with its links and replies) with when and by
    whom it was deleted, in an order of the data alone."""
    records = [
        _annotation_record("", t.annotation, t.links, t.replies, keys, sees_hidden)
        | {"deleted": iso(t.deleted), "deleted_by": t.deleted_by}
        for t in trash
    ]
    records.sort(
        key=lambda r: (int(r["document"][1:]), r["deleted"], r["start"], r["end"], r["created"])
    )
    for n, record in enumerate(records, start=1):
        record["key"] = f"t{n}"
    return records


def _entity_records(entities, keys: dict) -> list[dict]:
    return [
        {
            "key": keys[entity.pk],
            "name": entity.name,
            "kind": entity.kind,
            "parent": keys.get(entity.parent_id) if entity.parent_id else None,
            "country": entity.country,
            "aliases": [{"name": a.name, "key": a.key} for a in entity.aliases.all()],
        }
        for entity in entities
    ]


def _version_records(document: DocumentRow) -> list[dict]:
    """Every version of a document that has several, oldest first; the latest without its
    text, which is the document's own."""
    return [
        {
            "number": version.number,
            "created": iso(version.created),
            "added_by": version.added_by,
            "content_hash": version.content_hash,
            **({"text": version.text} if version.number < document.text_version else {}),
        }
        for version in bundle_versions(document_id=document.pk)
    ]


def _document_pieces(document: DocumentRow, keys: dict) -> Iterator[bytes]:
    """A document's record, its text written a slice at a time between the fields before
    it and those after it (every record's fields are in the order of their names)."""
    record = {
        "key": keys["documents"][document.pk],
        "outlet": keys["outlets"][document.outlet_id],
        "title": document.title,
        "published": iso(document.published),
        "origin": document.origin,
        "language": document.language,
        "added_by": document.added_by,
        "created": iso(document.created),
        "content_hash": document.content_hash,
        **({"versions": _version_records(document)} if document.text_version > 1 else {}),
    }
    before = _encode({name: value for name, value in record.items() if name < "text"})
    after = _encode({name: value for name, value in record.items() if name > "text"})
    yield before[:-1] + b',"text":"'
    text = document.text
    for start in range(0, len(text), TEXT_SLICE):
        yield orjson.dumps(text[start : start + TEXT_SLICE])[1:-1]
    yield b'",' + after[1:]


def _whole(records: Iterable[dict]) -> Iterator[tuple[bytes]]:
    """Records each written in one piece."""
    return ((_encode(record),) for record in records)


def _stream_sections(
    head: dict, sections: Mapping[str, Iterable[Iterable[bytes]]]
) -> Iterator[str]:
    """`head` then each section as a JSON array, one record per line, in a stable order.
    Each record comes as the pieces of its JSON text; they go out some 256 KB at a time,
    not a piece at a time (each would be a write to the socket)."""
    pending = [_encode(head)[:-1]]
    size = 0
    for name, records in sections.items():
        pending.append(b',"' + name.encode() + b'":[')
        for index, pieces in enumerate(records):
            pending.append(b",\n  " if index else b"\n  ")
            for piece in pieces:
                pending.append(piece)
                size += len(piece)
                if size >= WRITE_SIZE:
                    yield b"".join(pending).decode()
                    pending, size = [], 0
        pending.append(b"\n]")
    pending.append(b"}")
    yield b"".join(pending).decode()


def _keys(prefix: str, objects) -> dict[int, str]:
    return {obj.pk: f"{prefix}{n}" for n, obj in enumerate(objects, start=1)}


def stream_bundle(
    project,
    *,
    members,
    outlets,
    document_keys: list[int],
    documents: Iterable[DocumentRow],
    events,
    facets,
    annotations: Iterable[tuple[BundleAnnotation, list[BundleLink], list[ReplyRow]]],
    entities=(),
    trash: Iterable[TrashRow] = (),
    sees_hidden: bool,
) -> Iterator[str]:
    """The bundle as JSON text, section by section. Each argument is a list or an iterator
    (bundle_contents's) in a stable order that depends only on the data, and the keys
    ("d1", "f3", ...) follow that order: exporting a round-tripped project again gives the
    same bytes. Annotations carry their facet links, and what a moderator hid: its reason
    always, the hidden note itself only for a reader who `sees_hidden`."""
    keys = {
        "outlets": _keys("o", outlets),
        "documents": {pk: f"d{n}" for n, pk in enumerate(document_keys, start=1)},
        "events": _keys("e", events),
        "facets": _keys("f", facets),
        "entities": _keys("n", entities),
    }
    head = {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "project": {
            "slug": project.slug,
            "name": project.name,
            "description": project.description,
            "created": iso(project.created),
        },
    }
    sections = {
        "members": _whole(
            {"username": m.user.get_username(), "role": m.role, "created": iso(m.created)}
            for m in members
        ),
        "outlets": _whole(
            {
                "key": keys["outlets"][o.pk],
                "name": o.name,
                "kind": o.kind,
                "perspective": o.perspective,
            }
            for o in outlets
        ),
        "documents": (
            _document_pieces(document, keys)
            for document in documents
            # one added since its key was given is in the next bundle
            if document.pk in keys["documents"]
        ),
        "events": _whole(
            {
                "key": keys["events"][e.pk],
                "name": e.name,
                "description": e.description,
                "starts": iso(e.starts),
                "ends": iso(e.ends),
                "place": e.place,
                "created": iso(e.created),
            }
            for e in events
        ),
        "facets": _whole(
            {
                "key": keys["facets"][f.pk],
                "event": keys["events"][f.event_id],
                "name": f.name,
                "value_type": f.value_type,
                "order": f.order,
                "compare_level": f.compare_level,
            }
            for f in facets
        ),
        "entities": _whole(_entity_records(entities, keys["entities"])),
        "annotations": _whole(
            _annotation_record(f"a{n}", annotation, links, replies, keys, sees_hidden)
            for n, (annotation, links, replies) in enumerate(annotations, start=1)
        ),
        "trash": _whole(_trash_records(trash, keys, sees_hidden)),
    }
    return _stream_sections(head, sections)


def write(export: Export) -> Iterator[str]:
    """The export's whole project as a bundle."""
    project = export.project
    return stream_bundle(
        project, **bundle_contents(project=project), sees_hidden=export.sees_hidden
    )


# The checker's names, where bundle_load.py and the tests have always found them.
__all__ = [
    "BUNDLE_FORMAT",
    "BUNDLE_VERSION",
    "READABLE_VERSIONS",
    "check_bundle",
    "stream_bundle",
    "version_texts",
    "write",
]
