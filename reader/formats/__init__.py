"""The formats Reader exports and imports, one table: each format's name (the `?format=`
of an export, the `--format` of export_project, the kind of an upload), what it is served
as, and its writer and reader. Views and commands go through FORMATS and export_compose,
so that adding a format is a module and a row here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from reader.access import Permission
from reader.formats import bundle, bundle_load, w3c, w3c_collection
from reader.iris import Iris
from reader.models import Annotation, Document, Event, Project
from reader.selectors.exports import annotations_for_export
from reader.vocabularies import ImportKind

if TYPE_CHECKING:  # services.imports runs the formats' readers: only the type comes back
    from reader.services.imports import ImportReport

ACCEPTED_ONLY = "only"  # ?accepted=only: the annotations an owner accepted, alone


@dataclass(frozen=True)
class Format:
    name: str
    content_type: str
    extension: str
    noun: str  # in the file name: idlib-2020-annotations.jsonld, idlib-2020-bundle.json
    label: str  # the project page's button: "Export W3C JSON", "Export bundle"
    # A format whose import lands on one document: the document of the project the file's
    # target names, if any (the importer may name another). None: it holds a whole project.
    document_named: Callable[[Any, Project], Document | None] | None
    write: Callable[[Export], Iterator[str]]
    # (*, data, project, document, actor, keep_authors, foreign_authors, create_accounts,
    #  dry_run) -> ImportReport
    read: Callable[..., ImportReport]
    import_permission: Permission


@dataclass(frozen=True)
class Export:
    """One export: what it holds, its IRI, label and file name, and who reads it."""

    format: Format
    project: Project
    annotations: QuerySet[Annotation]
    iris: Iris
    iri: str
    label: str
    filename: str
    sees_hidden: bool

    def stream(self) -> Iterator[str]:
        return self.format.write(self)


def export_compose(
    *,
    format: Format,
    project: Project,
    base: str,
    sees_hidden: bool,
    document: Document | None = None,
    event: Event | None = None,
    accepted_only: bool = False,
) -> Export:
    """The export of a project, or of one of its documents or events; with `accepted_only`,
    of the annotations an owner accepted (curation) alone."""
    iris = Iris(base=base, slug=project.slug)
    if document is not None:
        iri = iris.export(document_pk=document.pk)
        label, stem = f"Annotations on {document.title}", f"{project.slug}-document-{document.pk}"
    elif event is not None:
        iri = iris.export(event_pk=event.pk)
        label, stem = f"Annotations linked to {event.name}", f"{project.slug}-event-{event.pk}"
    else:
        iri, label, stem = iris.export(), f"Annotations in {project.name}", project.slug
    annotations = annotations_for_export(project=project, document=document, event=event)
    stem = f"{stem}-{format.noun}"
    if accepted_only:
        annotations = annotations.filter(accepted=True)
        iri += f"?accepted={ACCEPTED_ONLY}"
        label += " (accepted only)"
        stem += "-accepted"
    return Export(
        format=format,
        project=project,
        annotations=annotations,
        iris=iris,
        iri=iri,
        label=label,
        filename=f"{stem}.{format.extension}",
        sees_hidden=sees_hidden,
    )


W3C = Format(
    name=ImportKind.W3C,
    content_type=w3c.MEDIA_TYPE,
    extension="jsonld",
    noun="annotations",
    label="W3C JSON",
    document_named=w3c_collection.document_for,
    write=w3c_collection.write,
    read=w3c_collection.read,
    import_permission=Permission.IMPORT_W3C,
)
BUNDLE = Format(
    name=ImportKind.BUNDLE,
    content_type="application/json",
    extension="json",
    noun="bundle",
    label="bundle",
    document_named=None,
    write=bundle.write,
    read=bundle_load.read,
    import_permission=Permission.IMPORT_BUNDLE,
)
FORMATS: dict[str, Format] = {format.name: format for format in (W3C, BUNDLE)}
