"""A checked bundle written into a project, through the services: what is already there
is kept (outlets and events by name, documents by their text, facets by event and name,
annotations by document, author and creation to the microsecond, with their span and
kind; replies and the trash likewise), and what is new keeps its original times, versions
and curation: an import is a move, not a new edit. Each row already there stands for one
record of the bundle at most, so two records alike (two people's work credited to the one
importer) stay two. Who the bundle's names are here is decided once, before anything is
written (bundle_import says how)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import partial
from typing import Any

from reader.formats import bundle_people
from reader.formats.bundle import check_bundle, version_texts
from reader.formats.checks import parse_moment
from reader.models import (
    Annotation,
    DeletedAnnotation,
    DocumentVersion,
    Entity,
    Facet,
    FacetLink,
    Project,
    Reply,
)
from reader.services.discussion import reply_create
from reader.services.documents import (
    annotation_create,
    annotation_delete,
    document_create,
    outlet_get_or_create,
    trash_import_deletion,
)
from reader.services.entities import entity_import, entity_import_alias, entity_import_parent
from reader.services.events import event_create, facet_create, facet_link_create
from reader.services.imports import (
    ImportRefused,
    ImportReport,
    dry_run_rollback,
    import_history_keep,
    import_project,
)
from reader.services.search import entity_index
from reader.services.supersession import supersession_import_pin
from reader.services.versions import versions_restore
from reader.vocabularies import ForeignAuthors

# What a W3C client gave that the bundle carries (bundle._w3c), as Annotation fields.
W3C_FIELDS = ("slug", "request_key", "canonical", "via", "foreign")


def _datetime(value: str | None) -> datetime.datetime | None:
    return parse_moment(value) if value else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def bundle_import(
    *,
    data,
    project: Project | None = None,
    actor=None,
    foreign_authors: str = ForeignAuthors.IMPORTER,
    create_accounts: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Import a checked bundle into `project` (or, from the command line, the bundle's own,
    made if missing).

    Uploaded by a person (`actor`), a bundle never makes an account or a member: the people
    it names as members who have an account here are invited with their role (they accept
    or not), the others are only reported; work it credits to people who are not members
    of `project` is credited to the actor, or refused (`foreign_authors`). From the command
    line (no actor: the server's operator, moving a project or an instance) its members and
    authors are restored as they were; accounts that do not exist are refused, or made with
    `create_accounts`."""
    problems = check_bundle(data)
    if problems:
        raise ImportRefused(problems)
    if actor is not None and project is None:
        raise ValueError("an upload goes into a project of the actor's")
    report = ImportReport()
    with dry_run_rollback(dry_run):
        _write_bundle(data, project, report, actor, foreign_authors, create_accounts)
    return report


def read(
    *,
    data,
    project,
    document,
    actor,
    keep_authors: bool,
    dry_run: bool,
    foreign_authors: str = ForeignAuthors.IMPORTER,
    create_accounts: bool = False,
    **w3c_only,
) -> ImportReport:
    """The format's reader, as FORMATS calls it: into `project`, or the bundle's own."""
    return bundle_import(
        data=data,
        project=project,
        actor=actor,
        foreign_authors=foreign_authors,
        create_accounts=create_accounts,
        dry_run=dry_run,
    )


def _write_bundle(
    data: dict,
    project: Project | None,
    report: ImportReport,
    actor,
    foreign_authors: str,
    create_accounts: bool,
) -> None:
    if project is None:
        spec = data["project"]
        project, created = import_project(
            slug=spec["slug"],
            name=spec.get("name") or spec["slug"],
            description=spec.get("description", ""),
        )
        report.created["projects"] += created
        if created and spec.get("created"):
            import_history_keep(instance=project, created=parse_moment(spec["created"]))
    report.project = project
    if actor is None:
        users = bundle_people.accounts(data, create_accounts)
        bundle_people.restore_members(data, project, users, report)
    else:
        users = bundle_people.credited(data, project, actor, foreign_authors, report)
        bundle_people.invite_members(data, project, actor, report)
    objects: dict[str, Any] = {}
    for record in data["outlets"]:
        objects[record["key"]] = _kept(
            report,
            "outlets",
            project.outlets.filter(name=record["name"]).first(),
            partial(
                outlet_get_or_create,
                project=project,
                name=record["name"],
                kind=record["kind"],
                perspective=record["perspective"],
            ),
        )
    for record in data["documents"]:
        objects[record["key"]] = _kept(
            report,
            "documents",
            project.documents.filter(content_hash=record["content_hash"]).first(),
            partial(_document, record, project, objects, users),
        )
    for record in data["events"]:
        objects[record["key"]] = _kept(
            report,
            "events",
            project.events.filter(name=record["name"]).first(),
            partial(_event, record, project),
        )
    for record in data["facets"]:
        event = objects[record["event"]]
        objects[record["key"]] = _kept(
            report,
            "facets",
            Facet.objects.filter(event=event, name=record["name"]).first(),
            partial(
                facet_create,
                event=event,
                name=record["name"],
                value_type=record["value_type"],
                order=record["order"],
                compare_level=record.get("compare_level", "default"),
            ),
        )
    _import_entities(data.get("entities", []), project, report)
    claimed: set[tuple[str, int]] = set()
    for record in data["annotations"]:
        _import_annotation(record, objects, users, report, claimed)
    for record in data["trash"]:
        _import_trashed(record, objects, users, report, claimed)


def _unclaimed(rows, claimed: set[tuple[str, int]]):
    """The first of `rows` (what a record would be, already here) that no earlier record
    of this import stands for, now claimed; None when there is none."""
    for row in rows.order_by("pk"):
        if (row._meta.label, row.pk) not in claimed:
            claimed.add((row._meta.label, row.pk))
            return row
    return None


def _claim(row, claimed: set[tuple[str, int]]):
    claimed.add((row._meta.label, row.pk))
    return row


def _kept(report: ImportReport, section: str, existing, make: Callable[[], object]):
    """What the project already has (counted as present), or what `make` creates."""
    report.count(section, existed=existing is not None)
    return existing if existing is not None else make()


def _document(record: dict, project: Project, objects: dict, users: dict):
    document = document_create(
        project=project,
        outlet=objects[record["outlet"]],
        title=record["title"],
        text=record["text"],
        published=_date(record["published"]),
        origin=record["origin"],
        language=record["language"],
        added_by=users[record["added_by"]] if record["added_by"] else None,
    )
    document = import_history_keep(instance=document, created=parse_moment(record["created"]))
    if record.get("versions"):
        texts = version_texts(record)
        versions_restore(
            document=document,
            versions=[
                DocumentVersion(
                    number=version["number"],
                    text=texts[version["number"]],
                    content_hash=version["content_hash"],
                    created=parse_moment(version["created"]),
                    added_by=users[version["added_by"]] if version["added_by"] else None,
                )
                for version in record["versions"]
            ],
        )
    return document


def _event(record: dict, project: Project):
    event = event_create(
        project=project,
        name=record["name"],
        description=record["description"],
        starts=_date(record["starts"]),
        ends=_date(record["ends"]),
        place=record["place"],
    )
    return import_history_keep(instance=event, created=parse_moment(record["created"]))


def _import_entities(records: list[dict], project: Project, report: ImportReport) -> None:
    """Entities and their aliases before the links, which then resolve through them as
    they did where the bundle was written. What the project has already stays."""
    made: dict[str, Entity] = {}
    for record in records:
        entity = Entity.objects.filter(project=project, name=record["name"]).first()
        report.count("entities", existed=entity is not None)
        if entity is None:
            entity = entity_import(
                project=project, name=record["name"], kind=record["kind"], country=record["country"]
            )
            made[record["key"]] = entity
        for alias in record["aliases"]:
            entity_import_alias(
                project=project, entity=entity, key=alias["key"], name=alias["name"]
            )
        entity_index(entity=entity)
    keys = {record["key"]: record for record in records}
    for key, entity in made.items():
        parent = keys[key]["parent"]
        if parent is not None:
            entity_import_parent(
                entity=entity,
                parent=Entity.objects.filter(project=project, name=keys[parent]["name"]).first(),
            )


def _user(users: dict, name: str | None):
    return users[name] if name else None


def _import_annotation(
    record: dict, objects: dict, users: dict, report: ImportReport, claimed: set
) -> None:
    document = objects[record["document"]]
    author = users[record["author"]]
    created = parse_moment(record["created"])
    span = {name: record[name] for name in ("kind", "start", "end")}
    annotation = _unclaimed(
        Annotation.objects.filter(document=document, author=author, created=created, **span),
        claimed,
    )
    report.count("annotations", existed=annotation is not None)
    if annotation is None:
        annotation = _claim(_new_annotation(record, document, author, users), claimed)
    _import_links(record, annotation, objects, users, report)
    _import_replies(record, annotation, users, report, claimed)


def _new_annotation(record: dict, document, author, users: dict) -> Annotation:
    w3c = record.get("w3c", {})
    annotation = annotation_create(
        document=document,
        author=author,
        note=record["note"],
        seen_quote=record["quote"]["exact"],
        kind=record["kind"],
        start=record["start"],
        end=record["end"],
        w3c={name: w3c[name] for name in W3C_FIELDS if name in w3c},
        text_version=record.get("text_version"),
    )
    proposed = record.get("proposed") or [None, None]
    return import_history_keep(
        instance=annotation,
        created=parse_moment(record["created"]),
        modified=parse_moment(record["modified"]),
        version=record["version"],
        accepted=record.get("accepted", False),
        hidden_reason=record.get("hidden_reason", ""),
        hidden_by=_user(users, record.get("hidden_by")),
        resolved=record.get("resolved", False),
        made_on=record.get("made_on", annotation.made_on),
        anchor_status=record.get("anchor_status", annotation.anchor_status),
        proposed_start=proposed[0],
        proposed_end=proposed[1],
    )


def _import_links(
    record: dict, annotation: Annotation, objects: dict, users: dict, report: ImportReport
) -> None:
    for link in record["links"]:
        facet = objects[link["facet"]]
        existed = FacetLink.objects.filter(annotation=annotation, facet=facet).exists()
        report.count("facet links", existed=existed)
        if existed:
            continue
        created_link = facet_link_create(
            annotation=annotation,
            facet=facet,
            author=users[link["author"]],
            value=link["value"],
            attribution=link["attribution"],
            stance=link["stance"],
            claimed_at=_datetime(link["claimed_at"]),
        )
        import_history_keep(instance=created_link, created=parse_moment(link["created"]))
        if link.get("superseded") is not None:
            supersession_import_pin(link=created_link, superseded=link["superseded"])


def _import_replies(
    record: dict, annotation: Annotation, users: dict, report, claimed: set
) -> None:
    for reply in record.get("replies", []):
        author, created = users[reply["author"]], parse_moment(reply["created"])
        existed = _unclaimed(
            Reply.objects.filter(annotation=annotation, author=author, created=created), claimed
        )
        report.count("replies", existed=existed is not None)
        if existed is not None:
            continue
        made = _claim(
            reply_create(annotation=annotation, author=author, text=reply["text"]), claimed
        )
        import_history_keep(
            instance=made,
            created=created,
            modified=parse_moment(reply["modified"]),
            hidden_reason=reply["hidden_reason"],
            hidden_by=_user(users, reply.get("hidden_by")),
        )


def _import_trashed(
    record: dict, objects: dict, users: dict, report: ImportReport, claimed: set
) -> None:
    """A deleted annotation back in the trash, with when and by whom it was deleted: made
    with its links and replies, then deleted as the services delete (so its snapshot is
    this instance's own), then given its original deletion."""
    document = objects[record["document"]]
    author = users[record["author"]]
    deleted = parse_moment(record["deleted"])
    existed = _unclaimed(
        DeletedAnnotation.objects.filter(document=document, author=author, deleted=deleted),
        claimed,
    )
    report.count("deleted annotations", existed=existed is not None)
    if existed is not None:
        return
    annotation = _new_annotation(record, document, author, users)
    _import_links(record, annotation, objects, users, ImportReport())
    _import_replies(record, annotation, users, ImportReport(), set())
    deleted_by = _user(users, record.get("deleted_by"))
    trashed = _claim(annotation_delete(annotation=annotation, actor=deleted_by), claimed)
    trash_import_deletion(trashed=trashed, deleted=deleted, deleted_by=deleted_by)
