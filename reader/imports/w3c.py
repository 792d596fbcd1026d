"""Import W3C Web Annotations for one document: a single annotation, a list, a page or a
collection with its items. Each is anchored by its TextPositionSelector, checked against
its TextQuoteSelector, and re-anchored by the quote and its context when the two disagree;
one whose quote is not in the document is reported by its id."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from reader import anchoring, services
from reader.imports import ImportRefused, ImportReport, dry_run_rollback
from reader.models import Annotation, Document, Facet, FacetLink, Kind, Stance


def _listify(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _types(record: dict) -> set:
    return set(_listify(record.get("type")))


def annotations_in(data) -> list:
    """The annotations a W3C document holds, or ImportRefused saying why there are none."""
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
    prefix, suffix = quote.get("prefix") or "", quote.get("suffix") or ""
    candidates = []
    at = text.find(exact)
    while at >= 0:
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
    label = f"annotation {annotation.get('id') or f'at item {index}'}"
    problems = []
    span = _anchor(document.text, _selectors(annotation))
    if span is None:
        problems.append(f"{label}: its quote is not found in the document (or is ambiguous)")
    kinds = {body.get("value") for body in _bodies(annotation, "tagging")} & set(Kind.values)
    if len(kinds) != 1:
        problems.append(
            f"{label}: needs exactly one tagging body saying claim, opinion or user_comment"
        )
    notes = [body.get("value") for body in _bodies(annotation, "commenting")]
    if isinstance(annotation.get("bodyValue"), str):
        notes.append(annotation["bodyValue"])
    if not all(isinstance(note, str) for note in notes):
        problems.append(f"{label}: a commenting body has no text value")
    links = []
    for body in _bodies(annotation, "linking"):
        facet = facets.get((body.get("event"), body.get("facet")))
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
        "id": annotation.get("id"),
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


def w3c_import(*, data, document: Document, default_author, dry_run: bool = False) -> ImportReport:
    """Import every annotation in `data` onto `document`, or none of them."""
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
    report = ImportReport(project=document.project)
    with dry_run_rollback(dry_run):
        for record in records:
            _write(record, document, default_author, report)
    return report


def _author(username: str | None, default_author):
    if not username:
        return default_author
    user, created = get_user_model().objects.get_or_create(username=username[:150])
    if created:
        user.set_unusable_password()
        user.save()
    return user


def _write(record: dict, document: Document, default_author, report: ImportReport) -> None:
    start, end = record["span"]
    author = _author(record["author"], default_author)
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
