"""What the team did: the activity feed, the trash of deleted annotations, and curation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from reader.access import Permission
from reader.models import TRASH_DAYS
from reader.sanitize import isolate
from reader.selectors.access import (
    annotation_get_for_user,
    deleted_annotation_get_for_user,
    document_get_for_user,
    project_access,
)
from reader.selectors.team import (
    ACTIVITY_GROUPS,
    ActivityFilters,
    activity_for_project,
    trash_for_project,
)
from reader.services import curation, documents
from reader.views.common import HtmxHttpRequest, date_or_none, id_or_none
from reader.views.reading import reader_body_response

ACTIVITY_PAGE_SIZE = 50


@login_required
@require_GET
def activity_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The project's audit trail, newest first, filtered by member, kind of action,
    document and date."""
    access = project_access(user=request.user, slug=slug)
    filters = ActivityFilters(
        actor_id=id_or_none(request.GET.get("actor", "")),
        group=request.GET.get("group", ""),
        document_id=id_or_none(request.GET.get("document", "")),
        since=date_or_none(request.GET.get("since", "")),
    )
    entries = activity_for_project(project=access.project, filters=filters)
    page = Paginator(entries, ACTIVITY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "access": access,
        "project": access.project,
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "groups": [(key, label) for key, (label, _) in ACTIVITY_GROUPS.items()],
        "members": access.project.memberships.select_related("user").order_by("user__username"),
        "documents": access.project.documents.order_by("title").only("pk", "title"),
        "trash": set(
            trash_for_project(project=access.project).values_list("annotation_id", flat=True)
        )
        if access.can(Permission.RESTORE)
        else set(),
    }
    return render(request, "reader/activity_list.html", context)


@login_required
@require_GET
def trash_list(request: HttpRequest, slug: str) -> HttpResponse:
    access = project_access(user=request.user, slug=slug, permission=Permission.RESTORE)
    context = {
        "access": access,
        "project": access.project,
        "trashed": trash_for_project(project=access.project),
        "trash_days": TRASH_DAYS,
    }
    return render(request, "reader/trash_list.html", context)


@login_required
@require_POST
def annotation_restore(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Restore from the trash (an owner), or Undo a deletion (the annotation's author)."""
    access, trashed = deleted_annotation_get_for_user(user=request.user, slug=slug, pk=pk)
    try:
        annotation, lost = documents.annotation_restore(trashed=trashed, actor=request.user)
    except ValidationError as error:
        context = {"errors": error.messages, "project": access.project}
        return render(request, "reader/error.html", context, status=409)
    message = f"Restored {isolate(annotation)} on “{isolate(annotation.document.title)}”."
    if lost:
        message = f"{message} Not restored: {'; '.join(lost)}."
    if request.htmx:  # Undo from the reader: the text and panel again, the item shown
        return reader_body_response(
            request, access, annotation.document, saved=annotation, notice=message
        )
    if lost:
        messages.warning(request, message)
    else:
        messages.success(request, message)
    return redirect(f"{annotation.document.get_absolute_url()}#annotation-{annotation.pk}")


def _back_to_agreement(annotation_or_document) -> HttpResponse:
    document = getattr(annotation_or_document, "document", annotation_or_document)
    return redirect("reader:document_agreement", slug=document.project.slug, pk=document.pk)


@login_required
@require_POST
def annotation_accept(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """An owner accepts an annotation for its span, or withdraws that (`accepted=0`)."""
    access, annotation = annotation_get_for_user(user=request.user, slug=slug, pk=pk)
    access.require(Permission.CURATE)
    if request.POST.get("accepted") == "0":
        curation.annotation_unaccept(annotation=annotation, actor=request.user)
        messages.success(request, f"{isolate(annotation)} is no longer accepted.")
    else:
        curation.annotation_accept(annotation=annotation, actor=request.user)
        messages.success(request, f"Accepted {isolate(annotation.author)}'s {isolate(annotation)}.")
    return _back_to_agreement(annotation)


@login_required
@require_POST
def document_accept_agreed(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, document = document_get_for_user(user=request.user, slug=slug, pk=pk)
    access.require(Permission.CURATE)
    count = curation.document_accept_agreed(document=document, actor=request.user)
    messages.success(
        request, f"Accepted {count} span{'s' if count != 1 else ''} where annotators agreed."
    )
    return _back_to_agreement(document)
