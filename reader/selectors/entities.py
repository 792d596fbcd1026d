"""Reads for a project's entities: their tree (ancestry and likely variants, which the
comparison reads), and the Entities page, with what names each entity and the spelling
variants the project's names suggest (proposed, never merged)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from django.db.models import Count, Prefetch

from reader import entities as names
from reader.models import Entity, EntityAlias, Project

PROPOSAL_LIMIT = 50
MAX_DEPTH = 32  # an entity chain longer than this is cut (and cannot loop)


@dataclass(frozen=True)
class EntityInfo:
    pk: int
    name: str
    parent_id: int | None
    country: str

    @property
    def key(self) -> str:
        return names.name_key(self.name)


class EntityTree:
    """The project's entities with their ancestry, read once."""

    def __init__(self, rows: list[EntityInfo]) -> None:
        self.by_id = {row.pk: row for row in rows}
        self._paths: dict[int, tuple[int, ...]] = {}
        self._names: dict[tuple[int, ...], tuple[str, ...]] = {}
        self._variants: dict[tuple[int, int], bool] = {}

    def path(self, pk: int | None) -> tuple[int, ...]:
        """Top-level first, ending with the entity."""
        if pk is None or pk not in self.by_id:
            return ()
        if pk not in self._paths:
            chain = [pk]
            parent = self.by_id[pk].parent_id
            while parent is not None and parent in self.by_id and parent not in chain:
                chain.append(parent)
                if len(chain) >= MAX_DEPTH:
                    break
                parent = self.by_id[parent].parent_id
            self._paths[pk] = tuple(reversed(chain))
        return self._paths[pk]

    def names(self, path: tuple[int, ...]) -> tuple[str, ...]:
        if path not in self._names:  # every link naming one entity asks the same
            self._names[path] = tuple(self.by_id[pk].name for pk in path)
        return self._names[path]

    def variant(self, first: int, second: int) -> bool:
        """Likely one name spelt two ways: never two countries of the table, nor an entity
        and one it contains."""
        pair = (min(first, second), max(first, second))
        if pair not in self._variants:
            one, two = self.by_id[pair[0]], self.by_id[pair[1]]
            path_one, path_two = self.path(pair[0]), self.path(pair[1])
            related = pair[0] in path_two or pair[1] in path_one
            # Parts of two different countries are two things (Syrian / Russian Air Force).
            roots = self.by_id[path_one[0]], self.by_id[path_two[0]]
            apart = roots[0].pk != roots[1].pk and bool(roots[0].country and roots[1].country)
            self._variants[pair] = (
                not apart and not related and names.likely_variants(one.key, two.key)
            )
        return self._variants[pair]


def entity_tree(*, project_id: int) -> EntityTree:
    rows = Entity.objects.filter(project_id=project_id).values_list(
        "pk", "name", "parent_id", "country"
    )
    return EntityTree([EntityInfo(*row) for row in rows])


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
