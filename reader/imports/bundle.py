"""Import a Reader bundle (made by exports.stream_bundle) into a project."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.contrib.auth import get_user_model

from reader import anchoring, services
from reader.exports import BUNDLE_FORMAT, BUNDLE_VERSION
from reader.imports import ImportRefused, ImportReport, dry_run_rollback
from reader.models import (
    Annotation,
    Document,
    Event,
    Facet,
    FacetLink,
    Kind,
    Membership,
    OutletKind,
    Project,
    Role,
    Stance,
    ValueType,
)

# Field checks: each returns what is wrong with a value, or None.
Check = Callable[[object], str | None]


def _text(*, required: bool = False, limit: int | None = None) -> Check:
    def check(value):
        if not isinstance(value, str):
            return "must be text"
        if required and not value.strip():
            return "must not be empty"
        if limit and len(value) > limit:
            return f"is longer than {limit:,} characters"
        if anchoring.unacceptable_characters(value):
            return f"contains {anchoring.unacceptable_characters(value)}"
        return None

    return check


def _choice(choices) -> Check:
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


def _whole(minimum: int) -> Check:
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            return f"must be a whole number of at least {minimum}"
        return None

    return check


def _moment(kind, *, optional: bool = False) -> Check:
    def check(value):
        if value is None and optional:
            return None
        try:
            parsed = kind.fromisoformat(value)
        except (TypeError, ValueError):
            return f"must be an ISO 8601 {'date' if kind is datetime.date else 'date and time'}"
        if kind is datetime.datetime and parsed.tzinfo is None:
            return "must give its time zone (as exports do: +00:00)"
        return None

    return check


def _optional_text(value) -> str | None:
    return None if value is None else _text()(value)


def _key(prefix: str) -> Check:
    return lambda value: (
        None if isinstance(value, str) and value.startswith(prefix) else f"must be “{prefix}…”"
    )


RECORD_FIELDS: dict[str, dict[str, Check]] = {
    "members": {"username": _text(required=True, limit=150), "role": _choice(Role.values)},
    "outlets": {
        "key": _key("o"),
        "name": _text(required=True, limit=200),
        "kind": _choice(OutletKind.values),
        "perspective": _text(),
    },
    "documents": {
        "key": _key("d"),
        "outlet": _key("o"),
        "title": _text(required=True, limit=500),
        "published": _moment(datetime.date, optional=True),
        "origin": _text(limit=1000),
        "language": _text(required=True, limit=35),
        "added_by": _optional_text,
        "created": _moment(datetime.datetime),
        "content_hash": _text(required=True, limit=64),
        "text": _text(required=True),
    },
    "events": {
        "key": _key("e"),
        "name": _text(required=True, limit=200),
        "description": _text(),
        "starts": _moment(datetime.date, optional=True),
        "ends": _moment(datetime.date, optional=True),
        "place": _text(limit=200),
        "created": _moment(datetime.datetime),
    },
    "facets": {
        "key": _key("f"),
        "event": _key("e"),
        "name": _text(required=True, limit=200),
        "value_type": _choice(ValueType.values),
        "order": _whole(0),
    },
    "annotations": {
        "key": _key("a"),
        "document": _key("d"),
        "author": _text(required=True, limit=150),
        "kind": _choice(Kind.values),
        "start": _whole(0),
        "end": _whole(1),
        "quote": lambda value: None if isinstance(value, dict) else "must be an object",
        "note": _text(limit=services.NOTE_MAX_LENGTH),
        "hidden_reason": _text(limit=Annotation._meta.get_field("hidden_reason").max_length),
        "created": _moment(datetime.datetime),
        "modified": _moment(datetime.datetime),
        "version": _whole(1),
        "accepted": lambda value: None if isinstance(value, bool) else "must be true or false",
        "links": lambda value: None if isinstance(value, list) else "must be a list",
    },
    "links": {
        "facet": _key("f"),
        "value": _text(required=True, limit=500),
        "attribution": _text(limit=300),
        "stance": _choice(Stance.values),
        "claimed_at": _moment(datetime.datetime, optional=True),
        "author": _text(required=True, limit=150),
        "created": _moment(datetime.datetime),
    },
}


# Fields added after the first bundles were written: older files lack them.
OPTIONAL_FIELDS = {("annotations", "accepted"), ("annotations", "hidden_reason")}


def _label(section: str, index: int, record: dict) -> str:
    name = record.get("key") or record.get("username") or record.get("facet")
    return f"{section}[{index}]" + (f" (“{name}”)" if isinstance(name, str) else "")


def _record_problems(section: str, index: int, record) -> list[str]:
    if not isinstance(record, dict):
        return [f"{section}[{index}]: must be an object"]
    label = _label(section, index, record)
    problems = []
    for name, check in RECORD_FIELDS[section].items():
        if name not in record and (section, name) in OPTIONAL_FIELDS:
            continue
        if name not in record:
            problems.append(f"{label}: field “{name}” is missing")
        elif message := check(record[name]):
            problems.append(f"{label}: field “{name}” {message}")
    return problems


def check_bundle(data) -> list[str]:
    """Every problem in a bundle, or none."""
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        return [f"This is not a Reader bundle: “format” must be “{BUNDLE_FORMAT}”."]
    if data.get("version") != BUNDLE_VERSION:
        return [f"Bundle version {data.get('version')!r} is not supported (only {BUNDLE_VERSION})."]
    project = data.get("project")
    problems = []
    slug = project.get("slug") if isinstance(project, dict) else None
    if not isinstance(slug, str) or not re.fullmatch(r"[-a-zA-Z0-9_]{1,80}", slug):
        problems.append("project: field “slug” must be letters, digits, - and _ (at most 80)")
    for section in ("members", "outlets", "documents", "events", "facets", "annotations"):
        records = data.get(section)
        if not isinstance(records, list):
            problems.append(f"“{section}” must be a list")
            continue
        for index, record in enumerate(records):
            problems += _record_problems(section, index, record)
            if section == "annotations" and isinstance(record, dict):
                for number, link in enumerate(record.get("links") or []):
                    problems += [
                        f"{_label(section, index, record)}: {problem}"
                        for problem in _record_problems("links", number, link)
                    ]
    if problems:
        return problems
    return _reference_problems(data)


def _reference_problems(data: dict) -> list[str]:
    """Keys unique, references resolved, texts matching their hashes, spans their quotes."""
    problems = []
    keys: dict[str, dict] = {}
    for section in ("outlets", "documents", "events", "facets", "annotations"):
        for index, record in enumerate(data[section]):
            if record["key"] in keys:
                problems.append(
                    f"{_label(section, index, record)}: duplicate key “{record['key']}”"
                )
            keys[record["key"]] = record
    references = {"documents": "outlet", "facets": "event", "annotations": "document"}
    for section, name in references.items():
        for index, record in enumerate(data[section]):
            if record[name] not in keys:
                problems.append(
                    f"{_label(section, index, record)}: field “{name}” refers to “{record[name]}”, "
                    "which the bundle does not hold"
                )
    for index, document in enumerate(data["documents"]):
        text = document["text"]
        if anchoring.normalise_text(text) != text:
            problems.append(
                f"{_label('documents', index, document)}: field “text” is not "
                "normalised (NFC, \\n line ends)"
            )
        elif anchoring.content_hash(text) != document["content_hash"]:
            problems.append(
                f"{_label('documents', index, document)}: the text no longer matches "
                "its content_hash (was it edited after export?)"
            )
    for index, annotation in enumerate(data["annotations"]):
        problems += _annotation_problems(index, annotation, keys)
    return problems


def _annotation_problems(index: int, annotation: dict, keys: dict) -> list[str]:
    label = _label("annotations", index, annotation)
    document = keys.get(annotation["document"])
    if document is None or "text" not in document:
        return []
    text, start, end = document["text"], annotation["start"], annotation["end"]
    quote = annotation["quote"]
    if not start < end <= len(text):
        return [f"{label}: the span {start}–{end} is outside its document ({len(text)} characters)"]
    problems = []
    if quote.get("exact") != text[start:end]:
        problems.append(
            f"{label}: field “quote.exact” does not match the document at {start}–{end}"
        )
    facets = [link["facet"] for link in annotation["links"]]
    for facet in facets:
        if facet not in keys:
            problems.append(f"{label}: a link refers to “{facet}”, which the bundle does not hold")
    if len(set(facets)) != len(facets):
        problems.append(f"{label}: links the same facet twice")
    return problems


def _user(username: str, users: dict):
    if username not in users:
        user, created = get_user_model().objects.get_or_create(username=username)
        if created:
            user.set_unusable_password()  # an owner sets a password or invites them
            user.save()
        users[username] = user
    return users[username]


def _datetime(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def bundle_import(*, data, project: Project | None = None, dry_run: bool = False) -> ImportReport:
    """Import a checked bundle into `project` (or the bundle's own, made if missing).

    What is already there is kept: outlets and events by name, documents by their text,
    facets by event and name, annotations by document, span, kind, author and time.
    """
    problems = check_bundle(data)
    if problems:
        raise ImportRefused(problems)
    report = ImportReport()
    with dry_run_rollback(dry_run):
        _write_bundle(data, project, report)
    return report


def _write_bundle(data: dict, project: Project | None, report: ImportReport) -> None:
    if project is None:
        spec = data["project"]
        project, created = Project.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec.get("name") or spec["slug"],
                "description": spec.get("description", ""),
            },
        )
        report.created["projects"] += created
    report.project = project
    users: dict = {}
    for member in data["members"]:
        user = _user(member["username"], users)
        existed = Membership.objects.filter(project=project, user=user).exists()
        if not existed:
            services.membership_set(project=project, user=user, role=member["role"])
            report.new_members.append(f"{member['username']} ({member['role']})")
        report.count("members", existed=existed)

    objects: dict[str, object] = {}
    for record in data["outlets"]:
        existing = project.outlets.filter(name=record["name"]).first()
        objects[record["key"]] = existing or services.outlet_get_or_create(
            project=project,
            name=record["name"],
            kind=record["kind"],
            perspective=record["perspective"],
        )
        report.count("outlets", existed=bool(existing))
    for record in data["documents"]:
        existing = project.documents.filter(content_hash=record["content_hash"]).first()
        report.count("documents", existed=bool(existing))
        if existing:
            objects[record["key"]] = existing
            continue
        document = services.document_create(
            project=project,
            outlet=objects[record["outlet"]],
            title=record["title"],
            text=record["text"],
            published=_date(record["published"]),
            origin=record["origin"],
            language=record["language"],
            added_by=_user(record["added_by"], users) if record["added_by"] else None,
        )
        Document.objects.filter(pk=document.pk).update(created=_datetime(record["created"]))
        objects[record["key"]] = document
    for record in data["events"]:
        existing = project.events.filter(name=record["name"]).first()
        report.count("events", existed=bool(existing))
        if existing:
            objects[record["key"]] = existing
            continue
        event = services.event_create(
            project=project,
            name=record["name"],
            description=record["description"],
            starts=_date(record["starts"]),
            ends=_date(record["ends"]),
            place=record["place"],
        )
        Event.objects.filter(pk=event.pk).update(created=_datetime(record["created"]))
        objects[record["key"]] = event
    for record in data["facets"]:
        event = objects[record["event"]]
        existing = Facet.objects.filter(event=event, name=record["name"]).first()
        objects[record["key"]] = existing or services.facet_create(
            event=event,
            name=record["name"],
            value_type=record["value_type"],
            order=record["order"],
        )
        report.count("facets", existed=bool(existing))
    for record in data["annotations"]:
        _import_annotation(record, objects, users, report)


def _import_annotation(record: dict, objects: dict, users: dict, report: ImportReport) -> None:
    document = objects[record["document"]]
    author = _user(record["author"], users)
    created = _datetime(record["created"])
    annotation = Annotation.objects.filter(
        document=document,
        start=record["start"],
        end=record["end"],
        kind=record["kind"],
        author=author,
        created=created,
    ).first()
    report.count("annotations", existed=annotation is not None)
    if annotation is None:
        annotation = services.annotation_create(
            document=document,
            author=author,
            kind=record["kind"],
            start=record["start"],
            end=record["end"],
            note=record["note"],
            seen_quote=record["quote"]["exact"],
        )
        # Keep the original times and version: the import is a move, not a new edit.
        Annotation.objects.filter(pk=annotation.pk).update(
            created=created,
            modified=_datetime(record["modified"]),
            version=record["version"],
            accepted=record.get("accepted", False),
            hidden_reason=record.get("hidden_reason", ""),
        )
    for link in record["links"]:
        facet = objects[link["facet"]]
        existed = FacetLink.objects.filter(annotation=annotation, facet=facet).exists()
        report.count("facet links", existed=existed)
        if existed:
            continue
        created_link = services.facet_link_create(
            annotation=annotation,
            facet=facet,
            author=_user(link["author"], users),
            value=link["value"],
            attribution=link["attribution"],
            stance=link["stance"],
            claimed_at=_datetime(link["claimed_at"]),
        )
        FacetLink.objects.filter(pk=created_link.pk).update(created=_datetime(link["created"]))
