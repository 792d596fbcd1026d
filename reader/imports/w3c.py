"""Import W3C Web Annotations for one document: a single annotation, a list, a page or a
collection with its items. Each is anchored by its TextPositionSelector, checked against
its TextQuoteSelector, and re-anchored by the quote and its context when the two disagree;
one whose quote is not in the document is reported by its id."""

from __future__ import annotations

import datetime

from reader import anchoring, services
from reader.imports import ImportRefused, ImportReport, dry_run_rollback
from reader.models import Annotation, Document, Facet, FacetLink, Kind, Stance, kind_names


def _listify(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _strings(value) -> list[str]:
    """The text values of a field that may hold one value or a list of them."""
    return [item for item in _listify(value) if isinstance(item, str)]


def _types(record: dict) -> set[str]:
    return set(_strings(record.get("type")))


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
        return data
    if not isinstance(data, dict):
        raise ImportRefused(["This is not W3C Web Annotation JSON: expected an object or a list."])
    types = _types(data)
    if "Annotation" in types:
        return [data]
    if "AnnotationPage" in types:
        return _listify(data.get("items"))
    if "AnnotationCollection" in types:
        first = data.get("first")
        if isinstance(first, dict):
            return _listify(first.get("items"))
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


def _selectors(annotation: dict) -> dict[str, dict]:
    targets = [t for t in _listify(annotation.get("target")) if isinstance(t, dict)]
    found = {}
    for target in targets:
        for selector in _listify(target.get("selector")):
            if isinstance(selector, dict) and isinstance(selector.get("type"), str):
                found.setdefault(selector["type"], selector)
    return found


MAX_CANDIDATES = 10_000


def _context(value) -> str:
    return anchoring.normalise_text(value) if isinstance(value, str) else ""


def _anchor(text: str, selectors: dict) -> tuple[int, int] | None:
    """The span the selectors point at: the position when its text is the quote, else the
    one occurrence of the quote whose context matches best."""
    position = selectors.get("TextPositionSelector", {})
    quote = selectors.get("TextQuoteSelector", {})
    exact = quote.get("exact")
    exact = anchoring.normalise_text(exact) if isinstance(exact, str) and exact else None
    start, end = position.get("start"), position.get("end")
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and not isinstance(start, bool)
        and 0 <= start < end <= len(text)
        and (exact is None or text[start:end] == exact)
    ):
        return start, end
    if exact is None:
        return None
    # Context as stored (32 characters): longer would only cost time, on hostile input a lot.
    prefix = _context(quote.get("prefix"))[-anchoring.QUOTE_CONTEXT :]
    suffix = _context(quote.get("suffix"))[: anchoring.QUOTE_CONTEXT]
    candidates = []
    at = text.find(exact)
    while at >= 0 and len(candidates) < MAX_CANDIDATES:
        score = (text[max(0, at - len(prefix)) : at] == prefix) + (
            text[at + len(exact) : at + len(exact) + len(suffix)] == suffix
        )
        candidates.append((score, at))
        at = text.find(exact, at + 1)
    if not candidates:
        return None
    best = max(score for score, _ in candidates)
    places = [at for score, at in candidates if score == best]
    return (places[0], places[0] + len(exact)) if len(places) == 1 else None


def _bodies(annotation: dict, purpose: str) -> list[dict]:
    return [
        body
        for body in _listify(annotation.get("body"))
        if isinstance(body, dict) and purpose in _listify(body.get("purpose"))
    ]


def read_annotation(
    annotation, index: int, document: Document, facets: dict
) -> tuple[dict | None, list]:
    """What to create for one W3C annotation, or the problems that stop it."""
    if not isinstance(annotation, dict) or "Annotation" not in _types(annotation):
        return None, [f"item {index}: not an Annotation"]
    identifier = annotation.get("id") if isinstance(annotation.get("id"), str) else None
    label = f"annotation {identifier or f'at item {index}'}"
    problems = []
    span = _anchor(document.text, _selectors(annotation))
    if span is None:
        problems.append(f"{label}: its quote is not found in the document (or is ambiguous)")
    kinds = {
        body.get("value")
        for body in _bodies(annotation, "tagging")
        if isinstance(body.get("value"), str)
    } & set(Kind.values)
    if len(kinds) != 1:
        problems.append(f"{label}: needs exactly one tagging body saying {kind_names(values=True)}")
    notes = [body.get("value") for body in _bodies(annotation, "commenting")]
    if isinstance(annotation.get("bodyValue"), str):
        notes.append(annotation["bodyValue"])
    if not all(isinstance(note, str) for note in notes):
        problems.append(f"{label}: a commenting body has no text value")
    links = []
    for body in _bodies(annotation, "linking"):
        names = (body.get("event"), body.get("facet"))
        facet = facets.get(names) if all(isinstance(name, str) for name in names) else None
        if facet is None:
            problems.append(
                f"{label}: no facet “{body.get('event')} › {body.get('facet')}” in this project"
            )
            continue
        if body.get("stance", Stance.ASSERTS) not in Stance.values:
            problems.append(
                f"{label}: stance “{body.get('stance')}” is not one of {', '.join(Stance.values)}"
            )
            continue
        claimed_at = body.get("claimedAt")
        if claimed_at is not None:
            try:
                claimed_at = datetime.datetime.fromisoformat(str(claimed_at).replace("Z", "+00:00"))
            except ValueError:
                problems.append(f"{label}: claimedAt “{claimed_at}” is not a date and time")
                continue
        links.append(body | {"facet": facet, "claimedAt": claimed_at})
    creator = next((c for c in _listify(annotation.get("creator")) if isinstance(c, dict)), {})
    record = {
        "id": identifier,
        "span": span,
        "kind": kinds.pop() if len(kinds) == 1 else None,
        "note": "\n\n".join(note for note in notes if isinstance(note, str)),
        "author": creator.get("nickname") if isinstance(creator.get("nickname"), str) else None,
        "links": links,
    }
    return record, problems


def project_facets(project_id: int) -> dict[tuple[str, str], Facet]:
    """A project's facets by (event name, facet name), as linking bodies name them."""
    facets = Facet.objects.filter(event__project=project_id).select_related("event")
    return {(facet.event.name, facet.name): facet for facet in facets}


def write_links(annotation: Annotation, bodies: list[dict], author, report: ImportReport) -> None:
    """Create the facet links that read_annotation found, skipping those already there."""
    for body in bodies:
        if FacetLink.objects.filter(annotation=annotation, facet=body["facet"]).exists():
            report.count("facet links", existed=True)
            continue
        services.facet_link_create(
            annotation=annotation,
            facet=body["facet"],
            author=author,
            value=str(body.get("facetValue") or ""),
            attribution=str(body.get("attribution") or ""),
            stance=body.get("stance", Stance.ASSERTS),
            claimed_at=body["claimedAt"],
        )
        report.count("facet links", existed=False)


def w3c_import(
    *,
    data,
    document: Document,
    default_author,
    keep_authors: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import every annotation in `data` onto `document`, or none of them. With
    `keep_authors`, a creator who is a member of the project stays the author; without,
    everything is credited to `default_author` (the person importing)."""
    items = annotations_in(data)
    facets = project_facets(document.project_id)
    records, problems, seen = [], [], set()
    for index, item in enumerate(items):
        record, item_problems = read_annotation(item, index, document, facets)
        problems += item_problems
        if record and record["id"]:
            if record["id"] in seen:
                problems.append(f"annotation {record['id']}: appears twice in the file")
            seen.add(record["id"])
        records.append(record)
    if problems:
        raise ImportRefused(problems)
    members = {}
    if keep_authors:
        members = {
            m.user.get_username(): m.user
            for m in document.project.memberships.select_related("user")
        }
    report = ImportReport(project=document.project)
    with dry_run_rollback(dry_run):
        for record in records:
            _write(record, document, default_author, members, report)
    return report


def _author(username: str | None, members: dict, default_author):
    """The project member the annotation names as its creator, when the import may keep
    authors (an owner's command); otherwise, and for anyone else, the importer. An import
    never creates accounts."""
    return members.get(username, default_author)


def _write(
    record: dict, document: Document, default_author, members: dict, report: ImportReport
) -> None:
    start, end = record["span"]
    author = _author(record["author"], members, default_author)
    annotation = Annotation.objects.filter(
        document=document,
        start=start,
        end=end,
        kind=record["kind"],
        author=author,
        note=record["note"].strip(),
    ).first()
    report.count("annotations", existed=annotation is not None)
    if annotation is None:
        annotation = services.annotation_create(
            document=document,
            author=author,
            kind=record["kind"],
            start=start,
            end=end,
            note=record["note"],
        )
    write_links(annotation, record["links"], author, report)
