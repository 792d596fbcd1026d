"""Writes for a project's entities: resolving written names to them (as links are made),
and the analyst's changes on the Entities page (merge, split, rename, alias, parent), each
recorded in Activity and reflected at once in every matrix (the events' revisions move)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from reader import entities
from reader.entities import NameReading
from reader.models import Entity, EntityAlias, Event, FacetLink, Project
from reader.services.changes import activity_record, events_touch
from reader.services.locks import lock_rows, retry_on_conflict
from reader.services.search import entity_index
from reader.values import ENTITY_ROLES
from reader.vocabularies import ENTITY_KIND_FOR_ROLE, Action, EntityKind

ERROR_SAME_ENTITY = "An entity cannot be merged into itself."
ERROR_ALIAS_TAKEN = "“{alias}” already names “{entity}”: merge the two entities instead."
ERROR_NAME_TAKEN = "Another entity is already called “{name}”: merge the two instead."
ERROR_EMPTY_NAME = "Give the entity a name."
ERROR_PARENT_CYCLE = "“{parent}” is inside “{entity}”: an entity cannot contain what contains it."
ERROR_SPLIT_NOTHING = "Choose the aliases to split off (not all of them)."
ERROR_OTHER_PROJECT = "That entity belongs to another project."
NAME_LIMIT = Entity._meta.get_field("name").max_length


# The role a name is read in when an analyst gives it for an entity of a kind.
ROLE_FOR_KIND: dict[str, str] = {
    EntityKind.PLACE: "place",
    EntityKind.ACTOR: "actor",
    EntityKind.ORGANISATION: "attribution",
    EntityKind.OTHER: "text",
}


def alias_key(name: str, kind: str) -> str:
    """The key a name written for an entity of this kind is found by, read as links read
    it ("the Behun area" for a place is "behun")."""
    reading = entities.read_name(name, ROLE_FOR_KIND.get(kind, "text"))
    return reading.key if reading else entities.name_key(name)


def _alias_row(
    project: Project, entity: Entity, name: str, *, as_read: bool = False
) -> EntityAlias | None:
    """An alias of the entity for a written name (as links read it, with `as_read`);
    a key that already names an entity stays that entity's."""
    key = alias_key(name, entity.kind) if as_read else entities.name_key(name)
    if not key:
        return None
    alias, _ = EntityAlias.objects.get_or_create(
        project=project, key=key[:NAME_LIMIT], defaults={"entity": entity, "name": name[:300]}
    )
    return alias


def _unique_name(project: Project, name: str) -> str:
    """The name, or the name with a number when another entity has it already."""
    name = name[:NAME_LIMIT] or "?"
    taken = set(
        Entity.objects.filter(project=project, name__startswith=name).values_list("name", flat=True)
    )
    if name not in taken:
        return name
    number = 2
    while f"{name} ({number})" in taken:
        number += 1
    return f"{name} ({number})"


def _entity_for(
    project: Project, reading: NameReading, kind: str, cache: dict[str, Entity]
) -> Entity:
    """The project's entity for one reading, made (with its aliases) when it is new."""
    key = reading.key[:NAME_LIMIT]
    if key in cache:
        return cache[key]
    alias = EntityAlias.objects.select_related("entity").filter(project=project, key=key).first()
    if alias is not None:
        cache[key] = alias.entity
        return alias.entity
    parent = None
    if reading.head is not None:
        parent = _entity_for(project, _country_reading(reading.head), kind, cache)
    elif reading.within:
        outer, *rest = reading.within
        parent = _entity_for(
            project,
            NameReading(outer.name, outer.key, outer.country, outer.head, tuple(rest)),
            kind,
            cache,
        )
    entity = Entity.objects.create(
        project=project,
        name=_unique_name(project, reading.name),
        kind=EntityKind.PLACE if reading.country and kind == EntityKind.PLACE else kind,
        parent=parent,
        country=reading.country.code[:3] if reading.country else "",
    )
    EntityAlias.objects.get_or_create(
        project=project, key=key, defaults={"entity": entity, "name": reading.name[:300]}
    )
    # A country is known by every form of the table, so that renaming it loses none.
    for form in reading.country.forms if reading.country else ():
        _alias_row(project, entity, form)
    entity_index(entity=entity)
    cache[key] = entity
    return entity


def _country_reading(country: entities.Country) -> NameReading:
    return NameReading(country.name, entities.name_key(country.name), country=country)


def entity_resolve(
    *, project: Project, written: str, role: str, cache: dict[str, Entity] | None = None
) -> Entity | None:
    """The entity a value names, read in its role (actor, place, text), found through the
    project's aliases or made with them; None when the value names nothing."""
    reading = entities.read_name(written, role)
    if reading is None:
        return None
    cache = {} if cache is None else cache
    entity = _entity_for(project, reading, ENTITY_KIND_FOR_ROLE[role], cache)
    # A chain ("Balyun, Idlib Governorate, Syria") also tells what contains a place
    # already known without its container.
    if reading.within and entity.parent_id is None:
        outer, *rest = reading.within
        container = _entity_for(
            project,
            NameReading(outer.name, outer.key, outer.country, outer.head, tuple(rest)),
            ENTITY_KIND_FOR_ROLE[role],
            cache,
        )
        if container.pk != entity.pk and entity.pk not in _ancestors(container):
            entity.parent = container
            entity.save(update_fields=["parent"])
    return entity


def attribution_resolve(
    *, project: Project, written: str, cache: dict[str, Entity] | None = None
) -> list[Entity]:
    """The origins an attribution names ("Turkey & SOHR": Turkey and SOHR)."""
    cache = {} if cache is None else cache
    kind = ENTITY_KIND_FOR_ROLE["attribution"]
    found = [
        _entity_for(project, reading, kind, cache) for reading in entities.read_attribution(written)
    ]
    return list({entity.pk: entity for entity in found}.values())


def link_resolve(
    *, link: FacetLink, cache: dict[str, Entity] | None = None, created: bool = False
) -> None:
    """Point a saved link at the entities its value and attribution name (`created`: a
    link just made, which names none yet)."""
    cache = {} if cache is None else cache
    project = link.facet.event.project
    role = ENTITY_ROLES.get(link.facet.value_type)
    entity = None
    if role is not None:
        entity = entity_resolve(project=project, written=link.value, role=role, cache=cache)
    if entity != link.entity:
        link.entity = entity
        link.save(update_fields=["entity"])
    origins = attribution_resolve(project=project, written=link.attribution, cache=cache)
    if created:
        if origins:
            link.attributed_to.add(*origins)
    else:
        link.attributed_to.set(origins)


def _ancestors(entity: Entity) -> set[int]:
    seen: set[int] = set()
    parent_id = entity.parent_id
    while parent_id is not None and parent_id not in seen:
        seen.add(parent_id)
        parent_id = Entity.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return seen


def _events_of(entity_ids: Iterable[int]) -> list[int]:
    """The events whose links name these entities, as value or attribution."""
    ids = list(entity_ids)
    by_value = Event.objects.filter(facets__links__entity__in=ids)
    by_origin = Event.objects.filter(facets__links__attributed_to__in=ids)
    return sorted(
        set(by_value.values_list("pk", flat=True)) | set(by_origin.values_list("pk", flat=True))
    )


def _changed(entity_ids: Iterable[int]) -> list[int]:
    """Lock the events these entities appear in (in the fixed order); return them."""
    events = _events_of(entity_ids)
    lock_rows(event_ids=events)
    return events


def _recorded(entity: Entity, events: list[int], actor, action: Action, summary: str) -> None:
    """After a change to entities: the matrices of `events` move on, and Activity says
    what was done."""
    events_touch(event_ids=events)
    activity_record(project_id=entity.project_id, actor=actor, action=action, summary=summary)


@retry_on_conflict
def entity_merge(*, source: Entity, target: Entity, actor) -> Entity:
    """Merge `source` into `target`: its aliases, links, attributions and children become
    the target's, and it is gone."""
    if source.pk == target.pk:
        raise ValidationError(ERROR_SAME_ENTITY)
    if source.project_id != target.project_id:
        raise ValidationError(ERROR_OTHER_PROJECT)
    events = _changed([source.pk, target.pk])
    source = Entity.objects.select_for_update().get(pk=source.pk)
    target = Entity.objects.select_for_update().get(pk=target.pk)
    EntityAlias.objects.filter(entity=source).update(entity=target)
    _alias_row(target.project, target, source.name, as_read=True)
    FacetLink.objects.filter(entity=source).update(entity=target)
    through = FacetLink.attributed_to.through
    already = through.objects.filter(entity=target).values("facetlink_id")
    through.objects.filter(entity=source, facetlink_id__in=already).delete()
    through.objects.filter(entity=source).update(entity=target)
    Entity.objects.filter(parent=source).exclude(pk=target.pk).update(parent=target)
    if target.parent_id == source.pk:
        target.parent_id = source.parent_id if source.parent_id != target.pk else None
        target.save(update_fields=["parent"])
    name = source.name
    source.delete()  # and its search entry
    entity_index(entity=target)
    _recorded(target, events, actor, Action.ENTITY_MERGED, f"“{name}” into “{target.name}”")
    return target


def _link_keys(link: FacetLink) -> set[str]:
    reading = entities.read_name(link.value, ENTITY_ROLES.get(link.facet.value_type, "text"))
    return {reading.key} if reading else set()


@retry_on_conflict
def entity_split(*, entity: Entity, aliases: list[EntityAlias], name: str, actor) -> Entity:
    """Split the chosen aliases off `entity` into a new entity called `name`; the links
    written with those aliases follow them."""
    keys = {alias.key for alias in aliases if alias.entity_id == entity.pk}
    total = EntityAlias.objects.filter(entity=entity).count()
    if not keys or len(keys) >= total:
        raise ValidationError(ERROR_SPLIT_NOTHING)
    name = " ".join(name.split()) or next(a.name for a in aliases if a.key in keys)
    if Entity.objects.filter(project=entity.project_id, name=name).exists():
        raise ValidationError(ERROR_NAME_TAKEN.format(name=name))
    events = _changed([entity.pk])
    new = Entity.objects.create(
        project_id=entity.project_id, name=name[:NAME_LIMIT], kind=entity.kind, parent=entity.parent
    )
    EntityAlias.objects.filter(entity=entity, key__in=keys).update(entity=new)
    links = FacetLink.objects.filter(entity=entity).select_related("facet")
    moved = [link.pk for link in links if _link_keys(link) & keys]
    FacetLink.objects.filter(pk__in=moved).update(entity=new)
    through = FacetLink.attributed_to.through
    for row in through.objects.filter(entity=entity).select_related("facetlink"):
        readings = entities.read_attribution(row.facetlink.attribution)
        if {reading.key for reading in readings} & keys:
            row.entity = new
            row.save(update_fields=["entity"])
    entity_index(entity=entity)
    entity_index(entity=new)
    _recorded(entity, events, actor, Action.ENTITY_SPLIT, f"“{new.name}” off “{entity.name}”")
    return new


@retry_on_conflict
def entity_rename(*, entity: Entity, name: str, actor) -> Entity:
    """A new canonical name; the old one stays an alias, the new one becomes one."""
    name = " ".join(name.split())[:NAME_LIMIT]
    if not name:
        raise ValidationError(ERROR_EMPTY_NAME)
    if name == entity.name:
        return entity
    if Entity.objects.filter(project=entity.project_id, name=name).exclude(pk=entity.pk).exists():
        raise ValidationError(ERROR_NAME_TAKEN.format(name=name))
    _check_alias_free(entity, name)
    events = _changed([entity.pk])
    old = entity.name
    entity.name = name
    entity.save(update_fields=["name"])
    _alias_row(entity.project, entity, old, as_read=True)
    _alias_row(entity.project, entity, name, as_read=True)
    entity_index(entity=entity)
    _recorded(entity, events, actor, Action.ENTITY_RENAMED, f"“{old}” to “{name}”")
    return entity


def _check_alias_free(entity: Entity, name: str) -> None:
    key = alias_key(name, entity.kind)
    taken = EntityAlias.objects.filter(project=entity.project_id, key=key).exclude(entity=entity)
    if other := taken.select_related("entity").first():
        raise ValidationError(ERROR_ALIAS_TAKEN.format(alias=name, entity=other.entity.name))


@retry_on_conflict
def entity_alias_add(*, entity: Entity, name: str, actor) -> EntityAlias:
    """Another written form of the entity: values written so from now on name it."""
    name = " ".join(name.split())
    if not entities.name_key(name):
        raise ValidationError(ERROR_EMPTY_NAME)
    _check_alias_free(entity, name)
    events = _changed([entity.pk])
    alias = _alias_row(entity.project, entity, name, as_read=True)
    assert alias is not None
    entity_index(entity=entity)
    _recorded(entity, events, actor, Action.ENTITY_ALIAS_ADDED, f"“{entity.name}”: “{name}”")
    return alias


@retry_on_conflict
def entity_set_parent(*, entity: Entity, parent: Entity | None, actor) -> Entity:
    """What the entity is part of (None: it is top-level)."""
    if parent is not None:
        if parent.project_id != entity.project_id:
            raise ValidationError(ERROR_OTHER_PROJECT)
        if parent.pk == entity.pk or entity.pk in _ancestors(parent):
            raise ValidationError(ERROR_PARENT_CYCLE.format(parent=parent.name, entity=entity.name))
    events = _changed([entity.pk])
    entity.parent = parent
    try:
        with transaction.atomic():
            entity.save(update_fields=["parent"])
    except IntegrityError as error:  # pragma: no cover - the checks above come first
        raise ValidationError(str(error)) from error
    _recorded(
        entity,
        events,
        actor,
        Action.ENTITY_PARENT_SET,
        f"“{entity.name}”: inside “{parent.name}”" if parent else f"“{entity.name}”: top-level",
    )
    return entity


def entity_import(*, project: Project, name: str, kind: str, country: str) -> Entity:
    """An entity of an imported bundle, as it was; its parent is set once all are in
    (entity_import_parent). Inside the import's transaction, like every import write."""
    return Entity.objects.create(project=project, name=name, kind=kind, country=country)


def entity_import_alias(*, project: Project, entity: Entity, key: str, name: str) -> None:
    """An imported alias, unless its key already names an entity of the project."""
    EntityAlias.objects.get_or_create(
        project=project, key=key, defaults={"entity": entity, "name": name}
    )


def entity_import_parent(*, entity: Entity, parent: Entity | None) -> None:
    """What an imported entity is part of, as it was where the bundle was written."""
    entity.parent = parent
    entity.save(update_fields=["parent"])
