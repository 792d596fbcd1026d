"""Reads for the link form: the value each facet of the project proposes for a quote
(reader/suggestions/prefill.py), from the project's names of entities."""

from __future__ import annotations

from reader.models import Annotation, EntityAlias, Facet, Project
from reader.suggestions.candidates import KnownName
from reader.suggestions.prefill import prefill


def project_names(*, project: Project | int) -> list[KnownName]:
    """Every written form of the project's entities (names and aliases), each with the
    entities that contain it (Balyun: Idlib, Syria), in one query: every entity is known
    by at least its own name, so the aliases' rows name every parent too."""
    rows = list(
        EntityAlias.objects.filter(project=project)
        .order_by("pk")
        .values_list("name", "entity_id", "entity__kind", "entity__parent_id")
    )
    parents = {entity_id: parent_id for _, entity_id, _, parent_id in rows}

    def within(pk: int) -> tuple[int, ...]:
        chain: list[int] = []
        while (parent := parents.get(pk)) and parent not in chain:
            chain.append(parent)
            pk = parent
        return tuple(chain)

    return [KnownName(name, pk, kind, within(pk)) for name, pk, kind, _ in rows]


def link_prefills(*, project: Project, annotation: Annotation) -> dict[int, str]:
    """Each facet of the project (by pk, in the link form's order) and the value it would
    pre-fill for the annotation's quote; two queries."""
    facets = Facet.objects.filter(event__project=project).order_by(
        "event__starts", "event__name", "order", "pk"
    )
    names = project_names(project=project)
    return {
        facet.pk: prefill(
            value_type=facet.value_type,
            quote=annotation.quote_exact,
            facet_name=facet.name,
            names=names,
            published=annotation.document.published,
        )
        for facet in facets
    }
