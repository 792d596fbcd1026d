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


def _change(request: HttpRequest, slug: str, pk: int):
    return entity_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.ENTITY_CHANGE
    )


def _submit(request: HttpRequest, access, form, write) -> HttpResponse:
    """The change `write` makes with the form's data, then back to where it was asked
    from, at the entity `write` returns; or the errors."""
    return form_write(
        request,
        form,
        write,
        lambda entity: _back(request, access, entity.pk),
        target="#entity-errors",
    )


@login_required
@require_POST
def entity_merge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Merge this entity into another: its aliases and links become the other's."""
    access, entity = _change(request, slug, pk)
    return _submit(
        request,
        access,
        EntityMergeForm(request.POST, entity=entity),
        lambda data: entities.entity_merge(
            source=entity, target=data["target"], actor=request.user
        ),
    )


@login_required
@require_POST
def entity_split(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Split some aliases off into an entity of their own; their links follow them."""
    access, entity = _change(request, slug, pk)
    return _submit(
        request,
        access,
        EntitySplitForm(request.POST, entity=entity),
        lambda data: entities.entity_split(
            entity=entity, aliases=list(data["aliases"]), name=data["name"], actor=request.user
        ),
    )


@login_required
@require_POST
def entity_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Rename an entity and set what it is part of."""
    access, entity = _change(request, slug, pk)

    def update(data: dict) -> Entity:
        entities.entity_rename(entity=entity, name=data["name"], actor=request.user)
        parent = data["parent_name"]
        if parent != entity.parent:
            entities.entity_set_parent(entity=entity, parent=parent, actor=request.user)
        return entity

    return _submit(request, access, EntityUpdateForm(request.POST, entity=entity), update)


@login_required
@require_POST
def entity_alias_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, entity = _change(request, slug, pk)

    def add(data: dict) -> Entity:
        entities.entity_alias_add(entity=entity, name=data["name"], actor=request.user)
        return entity

    return _submit(request, access, EntityAliasForm(request.POST), add)
