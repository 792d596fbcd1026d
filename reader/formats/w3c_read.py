"""Reading any W3C client's annotation (the writer is beside it, in w3c.py): where it points
(a TextQuoteSelector, a TextPositionSelector, both, a RangeSelector of those, or no
selector: the whole document), its kind, note and facet links, and everything else it
holds, kept verbatim as `foreign` so that writing it back gives what the client sent.

What `foreign` holds, each key only when needed (w3c.w3c_annotation writes it back):
  properties  the annotation's own properties Reader does not use, as sent (motivation,
              generator, audience, rights, a creator that is not Reader's shape, ...)
  omit        properties Reader writes that the client left out ("motivation")
  target      the target as sent, when it is not the shape Reader writes for its span
  tag_body    the tagging body that named the kind, when not in Reader's shape
  note_body   the commenting body that gave the note, when not in Reader's shape
  note_as     "bodyValue" when the note came as bodyValue
  bodies      every other body (any purpose or motivation), as sent
  one_body    the body came as one object, not a list (written back so while it is one)
"""

from __future__ import annotations

import datetime
import re

from reader import anchoring
from reader.formats.checks import parse_moment
from reader.formats.hypothesis import ERROR_REPLY, REPLY_TYPE
from reader.formats.w3c_state import SourceVersions, readers_state, target_version
from reader.models import Document, Facet
from reader.vocabularies import KINDS, Kind, Stance, kind_names

MAX_CANDIDATES = 10_000
# The properties Reader reads itself (or assigns, as the server: id, created, modified).
READ_HERE = {"@context", "id", "type", "body", "bodyValue", "target", "created", "modified"}
READ_HERE |= {"canonical", "via"}
FACET_IRI = re.compile(r"/events/(\d+)/#facet-(\d+)$")
# A kind as a client may spell it in a tag: its value or its label, in any case.
KIND_TAGS = {
    spelling.casefold(): style.value
    for style in KINDS.values()
    for spelling in (style.value, style.label, style.value.replace("_", " "))
}
ERROR_NO_TARGET = "has no target"
ERROR_ANCHOR = "its quote is not found in the document (or is ambiguous)"
ERROR_TWO_KINDS = "its tagging bodies name {found}: at most one of {kinds}"
ERROR_TWO_LINKS = "two linking bodies for the facet “{name}”: one link per facet"
ERROR_NOTE_VALUE = "a commenting body has no text value"
# What Reader keeps verbatim is written back into every export and answer: bounded.
MAX_KEPT_DEPTH = 32
ERROR_KEPT_DEPTH = "what it holds besides is nested more than {limit} levels deep"


def listify(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def types(record: dict) -> set[str]:
    """The types a record names (one or a list)."""
    return {item for item in listify(record.get("type")) if isinstance(item, str)}


# --- where it points ------------------------------------------------------------------------


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _context(value) -> str:
    return anchoring.normalise_text(value) if isinstance(value, str) else ""


def _targets(annotation: dict) -> list:
    return listify(annotation.get("target"))


def _selectors(target) -> list[dict]:
    if not isinstance(target, dict):
        return []
    return [s for s in listify(target.get("selector")) if isinstance(s, dict)]


def _by_type(selectors: list[dict]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for selector in selectors:
        if isinstance(selector.get("type"), str):
            found.setdefault(selector["type"], selector)
    return found


def anchor(versions: SourceVersions, number: int, annotation: dict) -> tuple[int, int] | None:
    """The span an annotation's first target points at on version `number`: its
    selectors, or the whole text when it has none (a target that is the document itself)."""
    targets = _targets(annotation)
    selectors = _selectors(targets[0]) if targets else []
    if not selectors:
        return (0, len(versions.text(number))) if targets else None
    return _anchor_selectors(versions, number, _by_type(selectors))


def _anchor_selectors(
    versions: SourceVersions, number: int, selectors: dict[str, dict]
) -> tuple[int, int] | None:
    if "TextQuoteSelector" in selectors or "TextPositionSelector" in selectors:
        return _anchor_text(versions, number, selectors)
    ranged = selectors.get("RangeSelector")
    if ranged is None:
        return None
    ends = [ranged.get("startSelector"), ranged.get("endSelector")]
    spans = [
        _anchor_text(versions, number, _by_type([end])) if isinstance(end, dict) else None
        for end in ends
    ]
    if spans[0] is None or spans[1] is None or spans[0][0] >= spans[1][1]:
        return None
    return spans[0][0], spans[1][1]


def _anchor_text(versions: SourceVersions, number: int, selectors: dict) -> tuple[int, int] | None:
    """The position when its text is the quote; else the one occurrence of the quote
    whose context matches best, ties broken by the nearest to the position. The text at
    the position is read first, alone: the whole text only when the quote is not there."""
    position = selectors.get("TextPositionSelector", {})
    quote = selectors.get("TextQuoteSelector", {})
    exact = quote.get("exact")
    exact = anchoring.normalise_text(exact) if isinstance(exact, str) and exact else None
    start, end = position.get("start"), position.get("end")
    if _whole(start) and _whole(end):
        there = versions.quote(number, start, end)
        if there is not None and (exact is None or there.exact == exact):
            return start, end
    if exact is None:
        return None
    # Context as stored (32 characters): longer would only cost time, on hostile input a lot.
    prefix = _context(quote.get("prefix"))[-anchoring.QUOTE_CONTEXT :]
    suffix = _context(quote.get("suffix"))[: anchoring.QUOTE_CONTEXT]
    near = start if _whole(start) else None
    return _best_occurrence(versions.text(number), exact, prefix, suffix, near)


def _best_occurrence(
    text: str, exact: str, prefix: str, suffix: str, near: int | None
) -> tuple[int, int] | None:
    """The one occurrence of `exact` whose context matches best (then the nearest to
    `near`), or None (none, or a tie)."""
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
    if len(places) > 1 and near is not None:
        distances = sorted((abs(at - near), at) for at in places)
        if distances[0][0] != distances[1][0]:
            places = [distances[0][1]]
    return (places[0], places[0] + len(exact)) if len(places) == 1 else None


def reader_target(text: str, start: int, end: int) -> list[dict]:
    """The selectors Reader writes for a span (w3c.w3c_annotation writes the same)."""
    return _reader_selectors(anchoring.quote_for(text, start, end), start, end)


def _reader_selectors(quote: anchoring.Quote, start: int, end: int) -> list[dict]:
    return [
        {
            "type": "TextQuoteSelector",
            "exact": quote.exact,
            "prefix": quote.prefix,
            "suffix": quote.suffix,
        },
        {"type": "TextPositionSelector", "start": start, "end": end},
    ]


def _target_is_readers(
    annotation: dict,
    quote: anchoring.Quote,
    span: tuple[int, int],
    versions: SourceVersions,
    number: int,
) -> bool:
    targets = _targets(annotation)
    if len(targets) != 1 or not isinstance(targets[0], dict):
        return False
    target = targets[0]
    return (
        set(target) - {"state"} == {"type", "source", "selector"}
        and target["type"] == "SpecificResource"
        and target["selector"] == _reader_selectors(quote, *span)
        and readers_state(target, versions, number)
    )


# --- the bodies -----------------------------------------------------------------------------


def _purposes(body: dict, motivation: list) -> list:
    """A body's purposes: its own, or the annotation's motivation when it has none."""
    return listify(body.get("purpose")) or motivation


def _textual(body: dict, purpose: str, value: str) -> bool:
    """Whether a body is exactly what Reader writes for this purpose and value."""
    return body == {
        "type": "TextualBody",
        "purpose": purpose,
        "value": value,
        "format": "text/plain",
    }


def _is_readers_link(body: dict, purposes: list) -> bool:
    if "linking" not in purposes:
        return False
    source = body.get("source")
    return (isinstance(source, str) and FACET_IRI.search(source) is not None) or (
        isinstance(body.get("event"), str) and isinstance(body.get("facet"), str)
    )


def _link_facet(body: dict, facets: dict) -> tuple[Facet | None, str | None]:
    """The facet a linking body names: by its IRI (names checked when given), or by
    its event and facet names."""
    names = (body.get("event"), body.get("facet"))
    named = all(isinstance(name, str) for name in names)
    source = body.get("source")
    match = FACET_IRI.search(source) if isinstance(source, str) else None
    if match:
        facet = facets.get(int(match[2]))
        if facet is not None and facet.event_id == int(match[1]):
            if named and names != (facet.event.name, facet.name):
                return None, (
                    f"the facet {source} is “{facet.event.name} › {facet.name}”, "
                    f"not “{names[0]} › {names[1]}”"
                )
            return facet, None
        if not named:
            return None, f"no facet {source} in this project"
    facet = facets.get(names) if named else None
    if facet is None:
        return None, f"no facet “{names[0]} › {names[1]}” in this project"
    return facet, None


def _link(body: dict, facets: dict) -> tuple[dict | None, str | None]:
    """A linking body with its facet and time, or what is wrong with it."""
    facet, problem = _link_facet(body, facets)
    if facet is None:
        return None, problem
    if body.get("stance", Stance.ASSERTS) not in Stance.values:
        return None, f"stance “{body.get('stance')}” is not one of {', '.join(Stance.values)}"
    claimed_at = body.get("claimedAt")
    if claimed_at is not None:
        try:
            claimed_at = parse_moment(claimed_at)
        except ValueError as error:
            return None, f"claimedAt “{claimed_at}” {error}"
    return body | {"facet": facet, "claimedAt": claimed_at}, None


def _read_bodies(annotation: dict, facets: dict, foreign: dict, problems: list) -> dict:
    """Kind, note and links from the bodies; every other body kept in `foreign`."""
    motivation = [m for m in listify(annotation.get("motivation")) if isinstance(m, str)]
    kinds: dict[str, dict] = {}
    notes: list[dict] = []
    links: list[dict] = []
    kept: list = []
    for body in listify(annotation.get("body")):
        if not isinstance(body, dict):
            kept.append(body)  # an IRI, or something Reader does not read: kept as sent
            continue
        purposes = _purposes(body, motivation)
        value = body.get("value")
        is_text = "TextualBody" in types(body) or (not body.get("type") and "value" in body)
        kind = KIND_TAGS.get(value.casefold()) if isinstance(value, str) else None
        if "tagging" in purposes and is_text and kind is not None:
            kinds.setdefault(kind, body)
        elif is_text and ("commenting" in purposes or not purposes) and not notes:
            notes.append(body)
        elif _is_readers_link(body, purposes):
            link, problem = _link(body, facets)
            if problem:
                problems.append(problem)
            elif any(other["facet"] == link["facet"] for other in links):  # type: ignore[index]
                facet = link["facet"]  # type: ignore[index]
                problems.append(ERROR_TWO_LINKS.format(name=f"{facet.event.name} › {facet.name}"))
            else:
                links.append(link)  # type: ignore[arg-type]
        else:
            kept.append(body)
    if len(kinds) > 1:
        found = " and ".join(sorted(kinds))
        problems.append(ERROR_TWO_KINDS.format(found=found, kinds=kind_names(values=True)))
    kind = next(iter(kinds), Kind.UNTAGGED.value)
    if kind in kinds and not _textual(kinds[kind], "tagging", kind):
        foreign["tag_body"] = kinds[kind]
    note = ""
    if notes:
        value = notes[0].get("value")
        if not isinstance(value, str):
            problems.append(ERROR_NOTE_VALUE)
        elif not _textual(notes[0], "commenting", note := value):
            foreign["note_body"] = notes[0]
    elif isinstance(annotation.get("bodyValue"), str):
        note = annotation["bodyValue"]
        foreign["note_as"] = "bodyValue"
    if kept:
        foreign["bodies"] = kept
    if isinstance(annotation.get("body"), dict):
        foreign["one_body"] = True  # sent as an object, not a list: written back so
    return {"kind": kind, "note": note, "links": links}


def _readers_creator(creator) -> bool:
    return (
        isinstance(creator, dict)
        and set(creator) == {"type", "nickname"}
        and creator["type"] == "Person"
    )


def _properties(annotation: dict, foreign: dict) -> None:
    properties = {
        name: value
        for name, value in annotation.items()
        if name not in READ_HERE
        and not (name == "motivation" and value == "tagging")
        and not (name == "creator" and _readers_creator(value))
    }
    if properties:
        foreign["properties"] = properties
    if "motivation" not in annotation:
        foreign["omit"] = ["motivation"]


def _depth(value, limit: int = MAX_KEPT_DEPTH + 1) -> int:
    """How deep a JSON value nests (counted up to `limit`, enough to refuse it)."""
    if limit <= 0 or not isinstance(value, dict | list):
        return 0
    items = value.values() if isinstance(value, dict) else value
    return 1 + max((_depth(item, limit - 1) for item in items), default=0)


def _iri(value) -> str:
    return value if isinstance(value, str) else ""


def read_annotation(
    annotation, index: int, document: Document, facets: dict, versions: SourceVersions | None = None
) -> tuple[dict | None, list]:
    """What to create for one W3C annotation, or the problems that stop it. Its selectors
    are read against the version of the document its target's TimeState names (the latest
    when it names none): `text_version` in what comes back. `versions` is the document's,
    read once for a whole import."""
    if isinstance(annotation, dict) and REPLY_TYPE in types(annotation):
        return None, [f"item {index} ({annotation.get('id')}) {ERROR_REPLY}"]
    if not isinstance(annotation, dict) or "Annotation" not in types(annotation):
        return None, [f"item {index}: not an Annotation"]
    identifier = _iri(annotation.get("id")) or None
    problems: list[str] = []
    versions = versions or SourceVersions(document)
    targets = _targets(annotation)
    number, state_problem = target_version(targets[0] if targets else None, versions)
    span = quote = None
    if state_problem:
        problems.append(state_problem)
    else:
        span = anchor(versions, number, annotation)
        if span is None:
            problems.append(ERROR_ANCHOR if targets else ERROR_NO_TARGET)
        else:
            quote = versions.quote(number, *span)
    foreign: dict = {}
    read = _read_bodies(annotation, facets, foreign, problems)
    readers = (
        span is None
        or quote is None
        or _target_is_readers(annotation, quote, span, versions, number)
    )
    if not readers:
        foreign["target"] = annotation.get("target")
    _properties(annotation, foreign)
    if _depth(foreign) > MAX_KEPT_DEPTH:
        problems.append(ERROR_KEPT_DEPTH.format(limit=MAX_KEPT_DEPTH))
    creator = next((c for c in listify(annotation.get("creator")) if isinstance(c, dict)), {})
    nickname = creator.get("nickname")
    record = {
        "id": identifier,
        "span": span,
        "quote": quote,  # the text at the span with its context, as annotation_create keeps it
        "text_version": number,
        **read,
        "author": nickname if isinstance(nickname, str) else None,
        "canonical": _iri(annotation.get("canonical")),
        "via": identifier or "",
        "created": _moment_or_none(annotation.get("created")),
        "foreign": foreign,
    }
    label = f"annotation {identifier or f'at item {index}'}"
    return record, [f"{label}: {problem}" for problem in problems]


def project_facets(project_id: int) -> dict:
    """A project's facets by (event name, facet name), as linking bodies name them, and by
    id, as their IRIs do."""
    # With the project: the links made from them resolve their entities in it.
    facets = Facet.objects.filter(event__project=project_id).select_related("event__project")
    found: dict = {}
    for facet in facets:
        found[(facet.event.name, facet.name)] = facet
        found[facet.pk] = facet
    return found


def _moment_or_none(value) -> datetime.datetime | None:
    """The annotation's `created`, when it is a valid time: how an import knows one of
    Reader's own annotations again after its span moved (a new version, an accepted
    review). The server assigns its own `created` to what it stores, so a bad one is no
    problem of the import's."""
    try:
        return parse_moment(value)
    except ValueError:
        return None
