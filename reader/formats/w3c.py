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

from reader import anchoring
from reader.access import visible_note
from reader.formats.checks import parse_moment
from reader.iris import Iris
from reader.models import Annotation, Document, Facet, FacetLink
from reader.selectors.exports import AnnotationRow, LinkRow
from reader.services.events import facet_link_create, facet_link_delete
from reader.vocabularies import Kind, Stance, kind_names

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


def utc(moment: datetime.datetime) -> str:
    """xsd:dateTime in UTC with Z, as the model asks."""
    if moment.utcoffset() != datetime.timedelta(0):  # the database gives UTC already
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


def w3c_annotation(row: AnnotationRow, links: Iterable[LinkRow], iris: Iris) -> W3CAnnotation:
    """One annotation in the W3C model: the only place its shape is written."""
    bodies: list[TextualBody | LinkingBody] = [_textual_body("tagging", row.kind)]
    if row.note:
        bodies.append(_textual_body("commenting", row.note))
    bodies += [_linking_body(link, iris) for link in links]
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
        # The version of the source the selectors refer to, for a source that has several.
        target["state"] = {"type": "TimeState", "sourceDate": utc(row.source_date)}
    return {
        "@context": W3C_CONTEXT,
        "id": iris.annotation(row.pk),
        "type": "Annotation",
        "motivation": "tagging",
        "created": utc(row.created),
        "modified": utc(row.modified),
        "creator": {"type": "Person", "nickname": row.author},
        "body": bodies,
        "target": target,
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
        getattr(annotation, "source_date", None),
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


# --- reading --------------------------------------------------------------------------------


def listify(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def types(record: dict) -> set[str]:
    """The types a record names (one or a list)."""
    return {item for item in listify(record.get("type")) if isinstance(item, str)}


def _selectors(annotation: dict) -> dict[str, dict]:
    targets = [t for t in listify(annotation.get("target")) if isinstance(t, dict)]
    found: dict[str, dict] = {}
    for target in targets:
        for selector in listify(target.get("selector")):
            if isinstance(selector, dict) and isinstance(selector.get("type"), str):
                found.setdefault(selector["type"], selector)
    return found


MAX_CANDIDATES = 10_000


def _context(value) -> str:
    return anchoring.normalise_text(value) if isinstance(value, str) else ""


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _anchor(text: str, selectors: dict) -> tuple[int, int] | None:
    """The span the selectors point at: the position when its text is the quote, else the
    one occurrence of the quote whose context matches best."""
    position = selectors.get("TextPositionSelector", {})
    quote = selectors.get("TextQuoteSelector", {})
    exact = quote.get("exact")
    exact = anchoring.normalise_text(exact) if isinstance(exact, str) and exact else None
    start, end = position.get("start"), position.get("end")
    in_text = _whole(start) and _whole(end) and 0 <= start < end <= len(text)
    if in_text and (exact is None or text[start:end] == exact):
        return start, end
    if exact is None:
        return None
    # Context as stored (32 characters): longer would only cost time, on hostile input a lot.
    prefix = _context(quote.get("prefix"))[-anchoring.QUOTE_CONTEXT :]
    suffix = _context(quote.get("suffix"))[: anchoring.QUOTE_CONTEXT]
    return _best_occurrence(text, exact, prefix, suffix)


def _best_occurrence(text: str, exact: str, prefix: str, suffix: str) -> tuple[int, int] | None:
    """The one occurrence of `exact` whose context matches best, or None (none, or a tie)."""
    candidates: list[tuple[int, int]] = []
    at = text.find(exact)
    while at >= 0 and len(candidates) < MAX_CANDIDATES:
        before = text[max(0, at - len(prefix)) : at] == prefix
        after = text[at + len(exact) : at + len(exact) + len(suffix)] == suffix
        candidates.append((before + after, at))
        at = text.find(exact, at + 1)
    if not candidates:
        return None
    best = max(score for score, _ in candidates)
    places = [at for score, at in candidates if score == best]
    return (places[0], places[0] + len(exact)) if len(places) == 1 else None


def _bodies(annotation: dict, purpose: str) -> list[dict]:
    return [
        body
        for body in listify(annotation.get("body"))
        if isinstance(body, dict) and purpose in listify(body.get("purpose"))
    ]


def _kind(annotation: dict) -> str | None:
    """The one kind the tagging bodies name, or None."""
    values = [body.get("value") for body in _bodies(annotation, "tagging")]
    kinds = {value for value in values if isinstance(value, str)} & set(Kind.values)
    return kinds.pop() if len(kinds) == 1 else None


def _notes(annotation: dict) -> list:
    notes = [body.get("value") for body in _bodies(annotation, "commenting")]
    if isinstance(annotation.get("bodyValue"), str):
        notes.append(annotation["bodyValue"])
    return notes


def _link(body: dict, facets: dict) -> tuple[dict | None, str | None]:
    """A linking body with its facet and time, or what is wrong with it."""
    names = (body.get("event"), body.get("facet"))
    facet = facets.get(names) if all(isinstance(name, str) for name in names) else None
    if facet is None:
        return None, f"no facet “{names[0]} › {names[1]}” in this project"
    if body.get("stance", Stance.ASSERTS) not in Stance.values:
        return None, f"stance “{body.get('stance')}” is not one of {', '.join(Stance.values)}"
    claimed_at = body.get("claimedAt")
    if claimed_at is not None:
        try:
            claimed_at = parse_moment(claimed_at)
        except ValueError as error:
            return None, f"claimedAt “{claimed_at}” {error}"
    return body | {"facet": facet, "claimedAt": claimed_at}, None


def read_annotation(
    annotation, index: int, document: Document, facets: dict
) -> tuple[dict | None, list]:
    """What to create for one W3C annotation, or the problems that stop it."""
    if not isinstance(annotation, dict) or "Annotation" not in types(annotation):
        return None, [f"item {index}: not an Annotation"]
    identifier = annotation.get("id") if isinstance(annotation.get("id"), str) else None
    span = _anchor(document.text, _selectors(annotation))
    kind = _kind(annotation)
    notes = _notes(annotation)
    links = [_link(body, facets) for body in _bodies(annotation, "linking")]
    problems = []
    if span is None:
        problems.append("its quote is not found in the document (or is ambiguous)")
    if kind is None:
        problems.append(f"needs exactly one tagging body saying {kind_names(values=True)}")
    if not all(isinstance(note, str) for note in notes):
        problems.append("a commenting body has no text value")
    problems += [problem for _, problem in links if problem]
    creator = next((c for c in listify(annotation.get("creator")) if isinstance(c, dict)), {})
    nickname = creator.get("nickname")
    record = {
        "id": identifier,
        "span": span,
        "kind": kind,
        "note": "\n\n".join(note for note in notes if isinstance(note, str)),
        "author": nickname if isinstance(nickname, str) else None,
        "links": [link for link, _ in links if link],
    }
    label = f"annotation {identifier or f'at item {index}'}"
    return record, [f"{label}: {problem}" for problem in problems]


def project_facets(project_id: int) -> dict[tuple[str, str], Facet]:
    """A project's facets by (event name, facet name), as linking bodies name them."""
    facets = Facet.objects.filter(event__project=project_id).select_related("event")
    return {(facet.event.name, facet.name): facet for facet in facets}


def write_links(annotation: Annotation, bodies: list[dict], author, report) -> None:
    """Create the facet links that read_annotation found, skipping those already there."""
    for body in bodies:
        if FacetLink.objects.filter(annotation=annotation, facet=body["facet"]).exists():
            report.count("facet links", existed=True)
            continue
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
