"""Reads for the project bundle (formats/bundle.py): everything a project holds, each part
in an order that depends only on the data."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

from django.db.models import Prefetch

from reader.models import (
    Annotation,
    DeletedAnnotation,
    DocumentVersion,
    Entity,
    EntityAlias,
    Facet,
    FacetLink,
    Project,
    Reply,
)


def bundle_annotations(
    *, project: Project, chunk_size: int = 1000
) -> Iterator[tuple[Annotation, list[FacetLink], list[Reply]]]:
    """The project's annotations in the bundle's order, each with its links and replies:
    a chunk at a time, each chunk's links and replies by one query each, grouped here
    (Django's prefetch clones a queryset for every annotation, most of a bundle's time)."""
    annotations = (
        Annotation.objects.filter(document__project=project)
        .select_related("author", "hidden_by")
        .order_by(
            "document__content_hash", "start", "end", "created", "kind", "author__username", "note"
        )
        .iterator(chunk_size=chunk_size)
    )
    while chunk := list(islice(annotations, chunk_size)):
        ids = [annotation.pk for annotation in chunk]
        links: dict[int, list[FacetLink]] = {}
        for link in FacetLink.objects.filter(annotation_id__in=ids).select_related("author"):
            links.setdefault(link.annotation_id, []).append(link)
        replies: dict[int, list[Reply]] = {}
        for reply in (
            Reply.objects.filter(annotation_id__in=ids)
            .select_related("author", "hidden_by")
            .order_by("created", "pk")
        ):
            replies.setdefault(reply.annotation_id, []).append(reply)
        for annotation in chunk:
            yield annotation, links.get(annotation.pk, []), replies.get(annotation.pk, [])


def bundle_contents(*, project: Project) -> dict:
    """What a project bundle holds, each part in an order that depends only on the data
    (never on database ids), so that keys and bytes survive a round trip."""
    return {
        "members": list(project.memberships.select_related("user").order_by("user__username")),
        "outlets": list(project.outlets.order_by("name")),
        "documents": list(
            project.documents.select_related("added_by")
            .prefetch_related(
                Prefetch("versions", DocumentVersion.objects.select_related("added_by"))
            )
            .order_by("content_hash")
        ),
        "events": list(project.events.order_by("name")),
        "facets": list(
            Facet.objects.filter(event__project=project).order_by("event__name", "order", "name")
        ),
        "entities": list(
            Entity.objects.filter(project=project)
            .prefetch_related(Prefetch("aliases", queryset=EntityAlias.objects.order_by("key")))
            .order_by("name")
        ),
        "annotations": bundle_annotations(project=project),
        # What owners may still restore (past TRASH_DAYS it is gone, here as there).
        "trash": list(
            DeletedAnnotation.objects.recoverable()
            .filter(document__project=project)
            .select_related("document", "deleted_by")
        ),
        # Hook for entities and their aliases (issue 12): a section of their own here, its
        # writer in formats/bundle.py and reader in bundle_load.py, keyed like the others.
    }
