"""A checked bundle written into a project, through the services: what is already there
is kept (outlets and events by name, documents by their text, facets by event and name,
annotations by document, span, kind, author and time), and what is new keeps its original
times, versions and curation: an import is a move, not a new edit."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from reader.formats.bundle import check_bundle
from reader.models import Annotation, Entity, EntityAlias, Facet, FacetLink, Membership, Project
from reader.services.documents import annotation_create, document_create, outlet_get_or_create
from reader.services.events import event_create, facet_create, facet_link_create
from reader.services.imports import (
    ImportRefused,
    ImportReport,
    dry_run_rollback,
    import_history_keep,
    import_project,
    import_user,
)
from reader.services.projects import membership_set
from reader.services.supersession import supersession_refresh


def _datetime(value: str | None) -> datetime.datetime | None:
    return datetime.datetime.fromisoformat(value) if value else None


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


class _Users(dict):
    """The accounts the bundle names, by username, looked up (or made) once each."""

    def __missing__(self, username: str):
        self[username] = import_user(username=username)
        return self[username]


def bundle_import(*, data, project: Project | None = None, dry_run: bool = False) -> ImportReport:
    """Import a checked bundle into `project` (or the bundle's own, made if missing)."""
    problems = check_bundle(data)
    if problems:
        raise ImportRefused(problems)
    report = ImportReport()
    with dry_run_rollback(dry_run):
        _write_bundle(data, project, report)
    return report


def read(*, data, project, document, actor, keep_authors: bool, dry_run: bool) -> ImportReport:
    """The format's reader, as FORMATS calls it: into `project`, or the bundle's own."""
    return bundle_import(data=data, project=project, dry_run=dry_run)


def _write_bundle(data: dict, project: Project | None, report: ImportReport) -> None:
    if project is None:
        spec = data["project"]
        project, created = import_project(
            slug=spec["slug"],
            name=spec.get("name") or spec["slug"],
            description=spec.get("description", ""),
        )
        report.created["projects"] += created
    report.project = project
    users = _Users()
    for member in data["members"]:
        user = users[member["username"]]
        existed = Membership.objects.filter(project=project, user=user).exists()
        if not existed:
            membership_set(project=project, user=user, role=member["role"])
            report.new_members.append(f"{member['username']} ({member['role']})")
        report.count("members", existed=existed)
    objects: dict[str, object] = {}
    for record in data["outlets"]:
        objects[record["key"]] = _kept(
            report,
            "outlets",
            project.outlets.filter(name=record["name"]).first(),
            lambda r=record: outlet_get_or_create(
                project=project, name=r["name"], kind=r["kind"], perspective=r["perspective"]
            ),
        )
    for record in data["documents"]:
        objects[record["key"]] = _kept(
            report,
            "documents",
            project.documents.filter(content_hash=record["content_hash"]).first(),
            lambda r=record: _document(r, project, objects, users),
        )
    for record in data["events"]:
        objects[record["key"]] = _kept(
            report,
            "events",
            project.events.filter(name=record["name"]).first(),
            lambda r=record: _event(r, project),
        )
    for record in data["facets"]:
        event = objects[record["event"]]
        objects[record["key"]] = _kept(
            report,
            "facets",
            Facet.objects.filter(event=event, name=record["name"]).first(),
            lambda r=record, e=event: facet_create(
                event=e,
                name=r["name"],
                value_type=r["value_type"],
                order=r["order"],
                compare_level=r.get("compare_level", "default"),
            ),
        )
    _import_entities(data.get("entities", []), project, report)
    for record in data["annotations"]:
        _import_annotation(record, objects, users, report)


def _kept(report: ImportReport, section: str, existing, make: Callable[[], object]):
    """What the project already has (counted as present), or what `make` creates."""
    report.count(section, existed=existing is not None)
    return existing if existing is not None else make()


def _document(record: dict, project: Project, objects: dict, users: _Users):
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
    return import_history_keep(instance=document, created=_datetime(record["created"]))


def _event(record: dict, project: Project):
    event = event_create(
        project=project,
        name=record["name"],
        description=record["description"],
        starts=_date(record["starts"]),
        ends=_date(record["ends"]),
        place=record["place"],
    )
    return import_history_keep(instance=event, created=_datetime(record["created"]))


def _import_entities(records: list[dict], project: Project, report: ImportReport) -> None:
    """Entities and their aliases before the links, which then resolve through them as
    they did where the bundle was written. What the project has already stays."""
    made: dict[str, Entity] = {}
    for record in records:
        entity = Entity.objects.filter(project=project, name=record["name"]).first()
        report.count("entities", existed=entity is not None)
        if entity is None:
            entity = Entity.objects.create(
                project=project, name=record["name"], kind=record["kind"], country=record["country"]
            )
            made[record["key"]] = entity
        for alias in record["aliases"]:
            EntityAlias.objects.get_or_create(
                project=project,
                key=alias["key"],
                defaults={"entity": entity, "name": alias["name"]},
            )
    keys = {record["key"]: record for record in records}
    for key, entity in made.items():
        parent = keys[key]["parent"]
        if parent is not None:
            entity.parent = Entity.objects.filter(
                project=project, name=keys[parent]["name"]
            ).first()
            entity.save(update_fields=["parent"])


def _import_annotation(record: dict, objects: dict, users: _Users, report: ImportReport) -> None:
    document = objects[record["document"]]
    author = users[record["author"]]
    created = _datetime(record["created"])
    span = {name: record[name] for name in ("kind", "start", "end")}
    annotation = Annotation.objects.filter(
        document=document, author=author, created=created, **span
    ).first()
    report.count("annotations", existed=annotation is not None)
    if annotation is None:
        annotation = annotation_create(
            document=document,
            author=author,
            note=record["note"],
            seen_quote=record["quote"]["exact"],
            **span,
        )
        import_history_keep(
            instance=annotation,
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
        created_link = facet_link_create(
            annotation=annotation,
            facet=facet,
            author=users[link["author"]],
            value=link["value"],
            attribution=link["attribution"],
            stance=link["stance"],
            claimed_at=_datetime(link["claimed_at"]),
        )
        import_history_keep(instance=created_link, created=_datetime(link["created"]))
        if link.get("superseded") is not None:
            FacetLink.objects.filter(pk=created_link.pk).update(
                superseded=link["superseded"], superseded_pinned=True
            )
            supersession_refresh(facet_id=facet.pk, document_id=document.pk)
