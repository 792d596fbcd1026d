"""The Entities page: the names a project's sources use, and the analyst's changes to them
(merge, split, rename, alias, what contains what). Every member reads it; annotators and
owners change it (Permission.ENTITY_CHANGE)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
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
from reader.models import Event
from reader.selectors.access import entity_get_for_user, project_access
from reader.selectors.entities import entities_for_project
from reader.services import entities
from reader.views.common import error_response, form_messages, id_or_none
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
        query = "?count=all" if request.POST.get("count") == "all" else ""
        return redirect(f"{event.get_absolute_url()}{query}")
    anchor = f"#entity-{entity_pk}" if entity_pk else ""
    return redirect(reverse("reader:entity_list", args=[access.project.slug]) + anchor)


def _change(request: HttpRequest, slug: str, pk: int):
    return entity_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.ENTITY_CHANGE
    )


@login_required
@require_POST
def entity_merge(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Merge this entity into another: its aliases and links become the other's."""
    access, entity = _change(request, slug, pk)
    form = EntityMergeForm(request.POST, entity=entity)
    if not form.is_valid():
        return error_response(request, form_messages(form), target="#entity-errors")
    try:
        target = entities.entity_merge(
            source=entity, target=form.cleaned_data["target"], actor=request.user
        )
    except ValidationError as error:
        return error_response(request, error.messages, target="#entity-errors")
    return _back(request, access, target.pk)


@login_required
@require_POST
def entity_split(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Split some aliases off into an entity of their own; their links follow them."""
    access, entity = _change(request, slug, pk)
    form = EntitySplitForm(request.POST, entity=entity)
    if not form.is_valid():
        return error_response(request, form_messages(form), target="#entity-errors")
    try:
        new = entities.entity_split(
            entity=entity,
            aliases=list(form.cleaned_data["aliases"]),
            name=form.cleaned_data["name"],
            actor=request.user,
        )
    except ValidationError as error:
        return error_response(request, error.messages, target="#entity-errors")
    return _back(request, access, new.pk)


@login_required
@require_POST
def entity_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Rename an entity and set what it is part of."""
    access, entity = _change(request, slug, pk)
    form = EntityUpdateForm(request.POST, entity=entity)
    if not form.is_valid():
        return error_response(request, form_messages(form), target="#entity-errors")
    try:
        entities.entity_rename(entity=entity, name=form.cleaned_data["name"], actor=request.user)
        parent = form.cleaned_data["parent_name"]
        if parent != entity.parent:
            entities.entity_set_parent(entity=entity, parent=parent, actor=request.user)
    except ValidationError as error:
        return error_response(request, error.messages, target="#entity-errors")
    return _back(request, access, entity.pk)


@login_required
@require_POST
def entity_alias_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, entity = _change(request, slug, pk)
    form = EntityAliasForm(request.POST)
    if not form.is_valid():
        return error_response(request, form_messages(form), target="#entity-errors")
    try:
        entities.entity_alias_add(entity=entity, name=form.cleaned_data["name"], actor=request.user)
    except ValidationError as error:
        return error_response(request, error.messages, target="#entity-errors")
    return _back(request, access, entity.pk)
