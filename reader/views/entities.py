"""The Entities page: the names a project's sources use, and the analyst's changes to them
(merge, split, rename, alias, what contains what). Every member reads it; annotators and
owners change it (Permission.ENTITY_CHANGE)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from reader.access import Permission
from reader.forms.entities import (
    EntityAliasForm,
    EntityMergeForm,
    EntitySplitForm,
    EntityUpdateForm,
)
from reader.models import Entity, Event
from reader.selectors.access import entity_get_for_user, project_access
from reader.selectors.entities import entities_for_project
from reader.services import entities
from reader.views.common import form_write, id_or_none
from reader.views.events import count_query, counts_all
from reader.vocabularies import EntityKind


@login_required
@require_GET
def entity_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = project_access(user=request.user, slug=slug)
    context = {
        "access": access,
        "project": access.project,
        "page": entities_for_project(project=access.project),
        "kinds": EntityKind,
    }
    return render(request, "reader/entity_list.html", context)


def _back(request: HttpRequest, access, entity_pk: int | None = None) -> HttpResponse:
    """Back to the event matrix the change was made from, or to the Entities page."""
    event_pk = id_or_none(request.POST.get("event", ""))
    event = Event.objects.filter(project=access.project, pk=event_pk).first() if event_pk else None
    if event is not None:
        return redirect(f"{event.get_absolute_url()}{count_query(counts_all(request.POST))}")
    anchor = f"#entity-{entity_pk}" if entity_pk else ""
    return redirect(reverse("reader:entity_list", args=[access.project.slug]) + anchor)


def _change(request: HttpRequest, slug: str, pk: int, form_class, write) -> HttpResponse:
    """A change to one entity, once the policy allows ENTITY_CHANGE: `write(entity, data)`
    makes it with the form's data, then back to where it was asked from, at the entity
    `write` returns; or the errors."""
    access, entity = entity_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.ENTITY_CHANGE
    )
    return form_write(
        request,
        form_class(request.POST, entity=entity),
        lambda data: write(entity, data),
        lambda changed: _back(request, access, changed.pk),
        target="#entity-errors",
    )


@login_required
@require_POST
def entity_merge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Merge this entity into another: its aliases and links become the other's."""

    def merge(entity: Entity, data: dict) -> Entity:
        return entities.entity_merge(source=entity, target=data["target"], actor=request.user)

    return _change(request, slug, pk, EntityMergeForm, merge)


@login_required
@require_POST
def entity_split(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Split some aliases off into an entity of their own; their links follow them."""

    def split(entity: Entity, data: dict) -> Entity:
        aliases, name = list(data["aliases"]), data["name"]
        return entities.entity_split(entity=entity, aliases=aliases, name=name, actor=request.user)

    return _change(request, slug, pk, EntitySplitForm, split)


@login_required
@require_POST
def entity_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Rename an entity and set what it is part of."""

    def update(entity: Entity, data: dict) -> Entity:
        entities.entity_rename(entity=entity, name=data["name"], actor=request.user)
        parent = data["parent_name"]
        if parent != entity.parent:
            entities.entity_set_parent(entity=entity, parent=parent, actor=request.user)
        return entity

    return _change(request, slug, pk, EntityUpdateForm, update)


@login_required
@require_POST
def entity_alias_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def add(entity: Entity, data: dict) -> Entity:
        entities.entity_alias_add(entity=entity, name=data["name"], actor=request.user)
        return entity

    return _change(request, slug, pk, EntityAliasForm, add)
