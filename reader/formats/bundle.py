"""The project bundle: everything in a project, lossless, for moving it between instances.
Written here (stream_bundle); checked on the way back in by bundle_check.py (check_bundle);
a checked bundle is written into a project by bundle_load.py."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core import serializers

from reader import models, vocabularies
from reader.access import visible_note
from reader.formats.bundle_check import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    READABLE_VERSIONS,
    check_bundle,
    version_texts,
)
from reader.selectors.bundle import bundle_contents

if TYPE_CHECKING:
    from reader.formats import Export


def iso(moment: datetime.datetime | datetime.date | None) -> str | None:
    """Full precision, so that a round trip loses nothing."""
    return moment.isoformat() if moment else None


def _stream_sections(head: dict, sections: dict[str, Iterable[dict]]) -> Iterator[str]:
    """`head` then each section as a JSON array, one record per line, in a stable order."""
    yield json.dumps(head, ensure_ascii=False, sort_keys=True)[:-1]
    for name, records in sections.items():
        yield f', "{name}": ['
        for index, record in enumerate(records):
            encoded = json.dumps(record, ensure_ascii=False, sort_keys=True)
            yield ("," if index else "") + "\n  " + encoded
        yield "\n]"
    yield "}"


def _keys(prefix: str, objects) -> dict[int, str]:
    return {obj.pk: f"{prefix}{n}" for n, obj in enumerate(objects, start=1)}


def _name(user) -> str | None:
    return user.get_username() if user is not None else None


def _w3c(annotation) -> dict:
    """What a W3C client gave that Reader keeps (formats/w3c_read.py), when there is any."""
    kept = {
        "slug": annotation.slug,
        "request_key": annotation.request_key,
        "canonical": annotation.canonical,
        "via": annotation.via,
        "foreign": annotation.foreign,
    }
    return {name: value for name, value in kept.items() if value}


def _annotation_record(
    key: str, annotation, links, replies, keys: dict, sees_hidden: bool, name
) -> dict:
    """One annotation with its links and replies; `name(user)` gives a user's name (the
    rows of a trashed annotation hold only ids)."""
    link_records = [
        {
            "facet": keys["facets"][link.facet_id],
            "value": link.value,
            "attribution": link.attribution,
            "stance": link.stance,
            "claimed_at": iso(link.claimed_at),
            "author": name(link, "author"),
            "created": iso(link.created),
            # An analyst's pin (true: an earlier value; false: current); null: automatic.
            "superseded": link.superseded if link.superseded_pinned else None,
        }
        for link in links
        if link.facet_id in keys["facets"]  # a trashed link to a facet deleted since: gone
    ]
    record = {
        "key": key,
        "document": keys["documents"][annotation.document_id],
        "author": name(annotation, "author"),
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
        "hidden_by": name(annotation, "hidden_by"),
        "resolved": annotation.resolved,
        "created": iso(annotation.created),
        "modified": iso(annotation.modified),
        "version": annotation.version,
        "accepted": annotation.accepted,
        **_anchoring_record(annotation),
        "links": sorted(link_records, key=lambda link: int(link["facet"][1:])),
        "replies": [
            {
                "author": name(reply, "author"),
                "text": visible_note(reply.text, reply.hidden_reason, sees_hidden),
                "hidden_reason": reply.hidden_reason,
                "hidden_by": name(reply, "hidden_by"),
                "created": iso(reply.created),
                "modified": iso(reply.modified),
            }
            for reply in replies
        ],
    }
    if w3c := _w3c(annotation):
        record["w3c"] = w3c
    return record


def _related_name(row, field: str) -> str | None:
    """The name of a row's user, read through its relation (selected with the row)."""
    return _name(getattr(row, field))


def _trash_records(trash, keys: dict, sees_hidden: bool) -> list[dict]:
    """The trash: each deleted annotation (rebuilt from its snapshot, with its links and
    replies) with when and by whom it was deleted, in an order of the data alone."""
    rebuilt = []
    user_ids: set[int] = set()
    for trashed in trash:
        rows = [row.object for row in serializers.deserialize("python", trashed.snapshot)]
        annotation = next(row for row in rows if isinstance(row, models.Annotation))
        links = [row for row in rows if isinstance(row, models.FacetLink)]
        replies = sorted(
            (row for row in rows if isinstance(row, models.Reply)), key=lambda r: (r.created, r.pk)
        )
        for row in [annotation, *links, *replies]:
            for field in ("author_id", "hidden_by_id"):
                if user_id := getattr(row, field, None):
                    user_ids.add(user_id)
        rebuilt.append((trashed, annotation, links, replies))
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))

    def by_id(row, field: str) -> str | None:
        return names.get(getattr(row, f"{field}_id"))

    records = [
        _annotation_record("", annotation, links, replies, keys, sees_hidden, by_id)
        | {"deleted": iso(trashed.deleted), "deleted_by": _name(trashed.deleted_by)}
        for trashed, annotation, links, replies in rebuilt
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


def _anchoring_record(annotation) -> dict:
    """An annotation's versions and anchoring, unless they are the defaults of a source with
    one version (made on version 1, exact there): such bundles are written as before."""
    defaults = (annotation.made_on, annotation.text_version, annotation.anchor_status)
    if defaults == (1, 1, vocabularies.AnchorStatus.EXACT):
        return {}
    proposed = [annotation.proposed_start, annotation.proposed_end]
    return {
        "made_on": annotation.made_on,
        "text_version": annotation.text_version,
        "anchor_status": annotation.anchor_status,
        "proposed": proposed if annotation.proposed_start is not None else None,
    }


def _version_records(document) -> list[dict]:
    """Every version of a document that has several, oldest first; the latest without its
    text, which is the document's own."""
    return [
        {
            "number": version.number,
            "created": iso(version.created),
            "added_by": version.added_by.get_username() if version.added_by else None,
            "content_hash": version.content_hash,
            **({"text": version.text} if version.number < document.text_version else {}),
        }
        for version in document.versions.all()
    ]


def stream_bundle(
    project,
    *,
    members,
    outlets,
    documents,
    events,
    facets,
    annotations,
    entities=(),
    trash=(),
    sees_hidden: bool,
) -> Iterator[str]:
    """The bundle as JSON text, section by section. Each argument is a list (or, for
    annotations, an iterator of (annotation, links, replies)) in a stable order that
    depends only on the data, and the keys ("d1", "f3", ...) follow that order: exporting
    a round-tripped project again gives the same bytes. Annotations carry their facet
    links, and what a moderator hid: its reason always, the hidden note itself only for a
    reader who `sees_hidden`."""
    keys = {
        "outlets": _keys("o", outlets),
        "documents": _keys("d", documents),
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
        "members": [
            {"username": m.user.get_username(), "role": m.role, "created": iso(m.created)}
            for m in members
        ],
        "outlets": [
            {
                "key": keys["outlets"][o.pk],
                "name": o.name,
                "kind": o.kind,
                "perspective": o.perspective,
            }
            for o in outlets
        ],
        "documents": [
            {
                "key": keys["documents"][d.pk],
                "outlet": keys["outlets"][d.outlet_id],
                "title": d.title,
                "published": iso(d.published),
                "origin": d.origin,
                "language": d.language,
                "added_by": d.added_by.get_username() if d.added_by else None,
                "created": iso(d.created),
                "content_hash": d.content_hash,
                "text": d.text,
                **({"versions": _version_records(d)} if d.text_version > 1 else {}),
            }
            for d in documents
        ],
        "events": [
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
        ],
        "facets": [
            {
                "key": keys["facets"][f.pk],
                "event": keys["events"][f.event_id],
                "name": f.name,
                "value_type": f.value_type,
                "order": f.order,
                "compare_level": f.compare_level,
            }
            for f in facets
        ],
        "entities": _entity_records(entities, keys["entities"]),
        "annotations": (
            _annotation_record(
                f"a{n}", annotation, links, replies, keys, sees_hidden, _related_name
            )
            for n, (annotation, links, replies) in enumerate(annotations, start=1)
        ),
        "trash": _trash_records(trash, keys, sees_hidden),
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
