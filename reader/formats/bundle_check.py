"""A project bundle checked on the way back in: every field of every record, with the
models' own limits, and every reference between records, before bundle_load.py writes
anything. The writer is bundle.py."""

from __future__ import annotations

import datetime
import re

from reader import anchoring, models, vocabularies
from reader.formats import checks

BUNDLE_FORMAT = "reader-bundle"
# 2: replies, resolved threads, who hid what, the trash, and what W3C clients sent.
BUNDLE_VERSION = 2
READABLE_VERSIONS = (1, 2)

RECORD_FIELDS: dict[str, dict[str, checks.Check]] = {
    "members": {
        "username": checks.username,
        "role": checks.choice(vocabularies.Role.values),
        "created": checks.moment(datetime.datetime),
    },
    "outlets": {
        "key": checks.key("o"),
        "name": checks.field(models.Outlet, "name", required=True),
        "kind": checks.choice(vocabularies.OutletKind.values),
        "perspective": checks.text(),
    },
    "documents": {
        "key": checks.key("d"),
        "outlet": checks.key("o"),
        "title": checks.field(models.Document, "title", required=True),
        "published": checks.moment(datetime.date, optional=True),
        "origin": checks.field(models.Document, "origin"),
        "language": checks.field(models.Document, "language", required=True),
        "added_by": checks.optional_username,
        "created": checks.moment(datetime.datetime),
        "content_hash": checks.field(models.Document, "content_hash", required=True),
        "text": checks.text(required=True),
        "versions": checks.instance_of(list, "must be a list"),
    },
    "versions": {
        "number": checks.whole(models.DocumentVersion, "number", minimum=1),
        "created": checks.moment(datetime.datetime),
        "added_by": checks.optional_username,
        "content_hash": checks.field(models.DocumentVersion, "content_hash", required=True),
        "text": checks.text(required=True),
    },
    "events": {
        "key": checks.key("e"),
        "name": checks.field(models.Event, "name", required=True),
        "description": checks.text(),
        "starts": checks.moment(datetime.date, optional=True),
        "ends": checks.moment(datetime.date, optional=True),
        "place": checks.field(models.Event, "place"),
        "created": checks.moment(datetime.datetime),
    },
    "facets": {
        "key": checks.key("f"),
        "event": checks.key("e"),
        "name": checks.field(models.Facet, "name", required=True),
        "value_type": checks.choice(vocabularies.ValueType.values),
        "order": checks.whole(models.Facet, "order"),
        "compare_level": checks.optional_whole(models.Facet, "compare_level"),
    },
    "entities": {
        "key": checks.key("n"),
        "name": checks.field(models.Entity, "name", required=True),
        "kind": checks.choice(vocabularies.EntityKind.values),
        "parent": checks.optional_key("n"),
        "country": checks.field(models.Entity, "country"),
        "aliases": checks.instance_of(list, "must be a list"),
    },
    "annotations": {
        "key": checks.key("a"),
        "document": checks.key("d"),
        "author": checks.username,
        "kind": checks.choice(vocabularies.Kind.values),
        "start": checks.whole(models.Annotation, "start"),
        "end": checks.whole(models.Annotation, "end", minimum=1),
        "quote": checks.instance_of(dict, "must be an object"),
        "note": checks.field(models.Annotation, "note"),
        "hidden_reason": checks.field(models.Annotation, "hidden_reason"),
        "created": checks.moment(datetime.datetime),
        "modified": checks.moment(datetime.datetime),
        "version": checks.whole(models.Annotation, "version", minimum=1),
        "accepted": checks.instance_of(bool, "must be true or false"),
        "made_on": checks.whole(models.Annotation, "made_on", minimum=1),
        "text_version": checks.whole(models.Annotation, "text_version", minimum=1),
        "anchor_status": checks.choice(vocabularies.AnchorStatus.values),
        "proposed": checks.optional_span,
        "links": checks.instance_of(list, "must be a list"),
        "hidden_by": checks.optional_username,
        "resolved": checks.instance_of(bool, "must be true or false"),
        "replies": checks.instance_of(list, "must be a list"),
        "w3c": checks.instance_of(dict, "must be an object"),
    },
    "replies": {
        "author": checks.username,
        "text": checks.field(models.Reply, "text", required=True),
        "hidden_reason": checks.field(models.Reply, "hidden_reason"),
        "hidden_by": checks.optional_username,
        "created": checks.moment(datetime.datetime),
        "modified": checks.moment(datetime.datetime),
    },
    "links": {
        "facet": checks.key("f"),
        "value": checks.field(models.FacetLink, "value", required=True),
        "attribution": checks.field(models.FacetLink, "attribution"),
        "stance": checks.choice(vocabularies.Stance.values),
        "claimed_at": checks.moment(datetime.datetime, optional=True),
        "author": checks.username,
        "created": checks.moment(datetime.datetime),
        "superseded": checks.optional_bool,
    },
    "aliases": {
        "name": checks.field(models.EntityAlias, "name", required=True),
        "key": checks.field(models.EntityAlias, "key", required=True),
    },
}


RECORD_FIELDS["trash"] = {
    **RECORD_FIELDS["annotations"],
    "key": checks.key("t"),
    "deleted": checks.moment(datetime.datetime),
    "deleted_by": checks.optional_username,
}

# Fields added after the first bundles were written: older files lack them; and what is
# there only when it has something to say (w3c, versions).
OPTIONAL_FIELDS = {
    ("members", "created"),
    ("facets", "compare_level"),
    ("links", "superseded"),
    ("documents", "versions"),
    ("versions", "text"),
} | {
    (section, name)
    for section in ("annotations", "trash")
    for name in (
        "accepted",
        "hidden_reason",
        "hidden_by",
        "resolved",
        "replies",
        "w3c",
        "made_on",
        "text_version",
        "anchor_status",
        "proposed",
    )
}
SECTIONS = (
    "members",
    "outlets",
    "documents",
    "events",
    "facets",
    "entities",
    "annotations",
    "trash",
)
# Sections added after the first bundles were written: an older file may lack them.
OPTIONAL_SECTIONS = {"entities", "trash"}
SLUG_LENGTH = models.Project._meta.get_field("slug").max_length


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


def _section_problems(section: str, records: list) -> list[str]:
    problems = []
    for index, record in enumerate(records):
        problems += _record_problems(section, index, record)
        if section in {"annotations", "trash"} and isinstance(record, dict):
            for part in ("links", "replies"):
                for number, item in enumerate(record.get(part) or []):
                    problems += [
                        f"{_label(section, index, record)}: {problem}"
                        for problem in _record_problems(part, number, item)
                    ]
        if section == "entities" and isinstance(record, dict):
            for number, alias in enumerate(record.get("aliases") or []):
                problems += [
                    f"{_label(section, index, record)}: {problem}"
                    for problem in _record_problems("aliases", number, alias)
                ]
        if section == "documents" and isinstance(record, dict):
            for number, version in enumerate(record.get("versions") or []):
                problems += [
                    f"{_label(section, index, record)}: {problem}"
                    for problem in _record_problems("versions", number, version)
                ]
    return problems


def check_bundle(data) -> list[str]:
    """Every problem in a bundle, or none."""
    if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
        return [f"This is not a Reader bundle: “format” must be “{BUNDLE_FORMAT}”."]
    if data.get("version") not in READABLE_VERSIONS:
        versions = " and ".join(str(v) for v in READABLE_VERSIONS)
        return [f"Bundle version {data.get('version')!r} is not supported (only {versions})."]
    project = data.get("project")
    problems = []
    slug = project.get("slug") if isinstance(project, dict) else None
    if (
        isinstance(project, dict)
        and "created" in project
        and (message := checks.moment(datetime.datetime)(project["created"]))
    ):
        problems.append(f"project: field “created” {message}")
    if not isinstance(slug, str) or not re.fullmatch(rf"[-a-zA-Z0-9_]{{1,{SLUG_LENGTH}}}", slug):
        problems.append(
            f"project: field “slug” must be letters, digits, - and _ (at most {SLUG_LENGTH})"
        )
    for section in SECTIONS:
        records = data.get(section)
        if records is None and section in OPTIONAL_SECTIONS:
            data[section] = []
        elif isinstance(records, list):
            problems += _section_problems(section, records)
        else:
            problems.append(f"“{section}” must be a list")
    return problems or _reference_problems(data)


def _reference_problems(data: dict) -> list[str]:
    """Keys unique, references resolved, texts matching their hashes, spans their quotes."""
    problems = []
    keys: dict[str, dict] = {}
    for section in SECTIONS[1:]:
        for index, record in enumerate(data.get(section, [])):
            if record["key"] in keys:
                problems.append(
                    f"{_label(section, index, record)}: duplicate key “{record['key']}”"
                )
            keys[record["key"]] = record
    references = {
        "documents": "outlet",
        "facets": "event",
        "annotations": "document",
        "trash": "document",
    }
    for section, name in references.items():
        for index, record in enumerate(data[section]):
            if record[name] not in keys:
                problems.append(
                    f"{_label(section, index, record)}: field “{name}” refers to “{record[name]}”, "
                    "which the bundle does not hold"
                )
    for index, entity in enumerate(data.get("entities", [])):
        if entity["parent"] is not None and entity["parent"] not in keys:
            problems.append(
                f"{_label('entities', index, entity)}: field “parent” refers to "
                f"“{entity['parent']}”, which the bundle does not hold"
            )
    for index, document in enumerate(data["documents"]):
        problems += _text_problems(_label("documents", index, document), document)
    for section in ("annotations", "trash"):
        for index, annotation in enumerate(data[section]):
            problems += _annotation_problems(section, index, annotation, keys)
    return problems


def _text_problems(label: str, document: dict) -> list[str]:
    text = document["text"]
    if anchoring.normalise_text(text) != text:
        return [f"{label}: field “text” is not normalised (NFC, \\n line ends)"]
    if anchoring.content_hash(text) != document["content_hash"]:
        return [
            f"{label}: the text no longer matches its content_hash (was it edited after export?)"
        ]
    return _version_problems(label, document)


def version_texts(document: dict) -> dict[int, str]:
    """A checked document record's texts by version number (the latest: its own text)."""
    versions = document.get("versions") or []
    texts = {version["number"]: version.get("text") for version in versions}
    texts[versions[-1]["number"] if versions else 1] = document["text"]
    return texts


def _version_problems(label: str, document: dict) -> list[str]:
    versions = document.get("versions") or []
    if [version["number"] for version in versions] not in ([], list(range(1, len(versions) + 1))):
        return [f"{label}: its versions must be numbered 1, 2, 3… in order"]
    problems = []
    for version in versions:
        text = version.get("text", document["text"])
        if "text" not in version and version is not versions[-1]:
            problems.append(f"{label}: version {version['number']} has no text")
        elif anchoring.normalise_text(text) != text:
            problems.append(f"{label}: version {version['number']} is not normalised")
        elif anchoring.content_hash(text) != version["content_hash"]:
            problems.append(
                f"{label}: version {version['number']} no longer matches its content_hash"
            )
    return problems


def _anchor_problems(label: str, annotation: dict, number: int, latest: int, length: int):
    """Status, versions and proposal consistent, as the database's constraints want them."""
    status = annotation.get("anchor_status", vocabularies.AnchorStatus.EXACT)
    proposed = annotation.get("proposed")
    problems = []
    if annotation.get("made_on", number) > number or number > latest:
        problems.append(f"{label}: its versions (made_on, text_version) are out of order")
    if (status == vocabularies.AnchorStatus.FUZZY) != (proposed is not None):
        problems.append(f"{label}: a proposed span goes with the status “fuzzy”, and only it")
    elif proposed is not None and not proposed[1] <= length:
        problems.append(f"{label}: the proposed span is outside the latest version")
    on_latest = status not in vocabularies.NEEDS_REVIEW
    if on_latest != (number == latest):
        problems.append(f"{label}: the status “{status}” does not fit version {number}")
    return problems


def _annotation_problems(section: str, index: int, annotation: dict, keys: dict) -> list[str]:
    label = _label(section, index, annotation)
    document = keys.get(annotation["document"])
    if document is None or "text" not in document:
        return []
    texts = version_texts(document)
    number = annotation.get("text_version", 1)
    text = texts.get(number)
    if not isinstance(text, str):
        return [f"{label}: field “text_version” names a version its document does not have"]
    start, end = annotation["start"], annotation["end"]
    quote = annotation["quote"]
    if not start < end <= len(text):
        return [f"{label}: the span {start}–{end} is outside its document ({len(text)} characters)"]
    problems = _anchor_problems(label, annotation, number, len(texts), len(document["text"]))
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
