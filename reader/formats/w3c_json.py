"""One annotation's W3C JSON as bytes: exactly what `orjson.dumps(w3c_annotation(...))`
writes, written straight from the row for Reader's own annotations.

w3c.w3c_annotation is the shape; this writes the same bytes without a dict for the
annotation, its creator, target, selectors and textual bodies. Building 2,000 of each (and
the collector walking them) was most of the time of a long document's container and of
the export. An annotation that keeps what a W3C client sent (`foreign`, `canonical`,
`via`) goes through w3c_annotation itself, as do the linking bodies (few, and their shape
is _linking_body's). tests/test_w3c_json.py holds the two writers equal, byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import orjson

from reader.formats.w3c import W3C_CONTEXT, _linking_body, utc, w3c_annotation
from reader.formats.w3c_state import exact_moment
from reader.iris import Iris
from reader.item_cache import Kept
from reader.selectors.exports import AnnotationRow, LinkRow
from reader.vocabularies import Kind

_dumps = orjson.dumps  # a str as a JSON string, escaped as orjson escapes it everywhere

# The keys in w3c_annotation's order; %b are JSON values (escaped strings, bodies), %d
# the offsets. Times are written unquoted into quotes: utc() gives digits, "-", ":", T, Z.
_ANNOTATION = (
    b'{"@context":' + _dumps(W3C_CONTEXT) + b',"id":%b,"type":"Annotation",'
    b'"motivation":"tagging","created":"%b","modified":"%b",'
    b'"creator":{"type":"Person","nickname":%b},"body":[%b],'
    b'"target":{"type":"SpecificResource","source":%b,"selector":['
    b'{"type":"TextQuoteSelector","exact":%b,"prefix":%b,"suffix":%b},'
    b'{"type":"TextPositionSelector","start":%d,"end":%d}]%b}}'
)
_TAGGING = b'{"type":"TextualBody","purpose":"tagging","value":%b,"format":"text/plain"}'
_COMMENTING = b'{"type":"TextualBody","purpose":"commenting","value":%b,"format":"text/plain"}'
_STATE = b',"state":{"type":"TimeState","sourceDate":%b}'
# Each kind's tagging body, written once (a closed vocabulary); none for an untagged one.
_TAGGINGS = {kind.value: _TAGGING % _dumps(kind.value) for kind in Kind if kind != Kind.UNTAGGED}
# As a plain str: comparing with the enum member goes through Enum's __eq__, 7 times slower.
_UNTAGGED = str(Kind.UNTAGGED.value)


@lru_cache(maxsize=64)
def _document_iris(base: str, slug: str, document_id: int) -> tuple[str, bytes]:
    """A document's container (its annotations' ids begin with it) and its target source
    as JSON: the same for every annotation of a page, made once rather than per item. By
    the Iris's strings, not the Iris: each request makes its own, and comparing two with
    the dataclass's __eq__ for each item cost more than the cache saved."""
    iris = Iris(base=base, slug=slug)
    return iris.container(document_id), _dumps(iris.document(document_id))


def w3c_annotation_json(row: AnnotationRow, links: Iterable[LinkRow], iris: Iris) -> bytes:
    """The annotation's W3C JSON-LD, the bytes orjson writes for w3c_annotation()."""
    if row.foreign or row.canonical or row.via:
        return _dumps(w3c_annotation(row, links, iris))
    kind = row.kind
    bodies = _TAGGINGS.get(kind) or (b"" if kind == _UNTAGGED else _TAGGING % _dumps(kind))
    if links or row.note:  # most have neither: their one body is the tagging
        written = [_dumps(_linking_body(link, iris)) for link in links]
        if row.note:
            written.insert(0, _COMMENTING % _dumps(row.note))
        bodies = b",".join([bodies, *written] if bodies else written)
    state = b"" if row.source_date is None else _STATE % _dumps(exact_moment(row.source_date))
    container, source = _document_iris(iris.base, iris.slug, row.document_id)
    return _ANNOTATION % (
        _dumps(f"{container}{row.slug or row.pk}/"),  # iris.annotation()
        utc(row.created).encode(),
        utc(row.modified).encode(),
        _dumps(row.author),
        bodies,
        source,
        _dumps(row.quote_exact),
        _dumps(row.quote_prefix),
        _dumps(row.quote_suffix),
        row.start,
        row.end,
        state,
    )


# Each annotation's bytes, kept by everything they are written from (item_cache.py): a warm
# read of a long document's 2,000 annotations finds them rather than writing them again.
ITEMS = Kept(budget=5 * 1024 * 1024)


def kept_annotations_json(
    rows: Sequence[tuple[AnnotationRow, list[LinkRow]]], iris: Iris
) -> list[bytes]:
    """w3c_annotation_json's bytes for each row, from ITEMS where the same row, links and
    IRIs wrote them before (one look-up for the lot). The key is the row itself (its kept
    W3C properties as their JSON, a dict being no key), its links, and the host and slug
    its IRIs begin with."""
    base, slug = iris.base, iris.slug
    keys = [
        (base, slug, _dumps(row.foreign) if row.foreign else None, row.source_date, *row[:15])
        + tuple(links)
        for row, links in rows
    ]
    items = ITEMS.get_many(keys)
    written = []
    for index, item in enumerate(items):
        if item is None:
            row, links = rows[index]
            items[index] = item = w3c_annotation_json(row, links, iris)
            written.append((keys[index], item, 2 * len(item) + 400))
    if written:
        ITEMS.set_many(written)
    return items  # type: ignore[return-value]  # every None was written above
