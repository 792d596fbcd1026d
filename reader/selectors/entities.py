"""Reads for a project's entities: the Entities page, with what names each entity and the
spelling variants the project's names suggest (proposed, never merged)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from django.db.models import Count, Prefetch

from reader.models import Entity, EntityAlias, Project
from reader.selectors.events import EntityInfo, EntityTree

PROPOSAL_LIMIT = 50


@dataclass(frozen=True)
class EntityRow:
    entity: Entity
    path: list[str]  # what contains it, outermost first
    depth: int


@dataclass(frozen=True)
class Proposal:
    """Two entities whose names are likely one name spelt two ways."""

    source: Entity
    target: Entity


@dataclass(frozen=True)
class EntityPage:
    rows: list[EntityRow]
    proposals: list[Proposal]


def entities_for_project(*, project: Project) -> EntityPage:
    """Every entity with its aliases and how many links name it, in tree order (each one
    under what contains it), and the variants to consider merging: four queries."""
    entities = list(
        Entity.objects.filter(project=project)
        .select_related("parent")
        .prefetch_related(Prefetch("aliases", queryset=EntityAlias.objects.order_by("name")))
        .annotate(
            value_count=Count("links", distinct=True),
            origin_count=Count("attributed_links", distinct=True),
        )
    )
    tree = EntityTree([EntityInfo(e.pk, e.name, e.parent_id, e.country) for e in entities])
    by_id = {entity.pk: entity for entity in entities}
    paths = {entity.pk: tree.path(entity.pk) for entity in entities}
    ordered = sorted(entities, key=lambda e: [by_id[pk].name.casefold() for pk in paths[e.pk]])
    rows = [
        EntityRow(
            entity, [by_id[pk].name for pk in paths[entity.pk][:-1]], len(paths[entity.pk]) - 1
        )
        for entity in ordered
    ]
    proposals: list[Proposal] = []
    for one, two in combinations(entities, 2):
        if len(proposals) >= PROPOSAL_LIMIT:
            break
        if one.kind == two.kind and tree.variant(one.pk, two.pk):
            used = {e.pk: e.value_count + e.origin_count for e in (one, two)}
            target, source = sorted((one, two), key=lambda e: (-used[e.pk], not e.country, e.pk))
            proposals.append(Proposal(source=source, target=target))
    return EntityPage(rows=rows, proposals=proposals)
