from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from reader import render_cache
from reader.access import Permission
from reader.formats import FORMATS
from reader.forms.annotations import AnnotationCreateForm, AnnotationUpdateForm
from reader.forms.documents import DocumentForm
from reader.models import Document, DocumentRevision
from reader.selectors.access import (
    annotation_get_for_user,
    document_get_for_user,
    document_revision_for_user,
    project_access,
)
from reader.selectors.reading import (
    ReaderFilters,
    annotation_with_links,
    documents_for_library,
    facets_for_linking,
    projects_for_user,
    reader_view,
)
from reader.selectors.team import invitations_for_user
from reader.selectors.versions import version_number, version_text
from reader.services import documents, events, suggestions
from reader.services.locks import retry_on_conflict
from reader.views import api
from reader.views.common import (
    HtmxHttpRequest,
    error_response,
    form_messages,
    form_posted,
    form_saved,
    id_or_none,
    revision_poll,
    wants_partial,
)
from reader.views.suggestions import reader_suggestions
from reader.vocabularies import Kind, OutletKind, Stance

READER_BODY = "reader/document_detail.html#reader-body"
MOVED_TO_TRASH = "Moved to trash."
SEARCH_LIMIT = 200


@login_required
def project_list(request: HtmxHttpRequest) -> HttpResponse:
    """The user's page: their projects with their role in each, and invitations to more."""
    context = {
        "projects": projects_for_user(request.user),
        "invitations": invitations_for_user(request.user),
    }
    return render(request, "reader/project_list.html", context)


@login_required
@vary_on_headers("HX-Request")
def document_list(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(user=request.user, slug=slug)
    # Bounded and without NUL: the database's LIKE refuses both a huge pattern and NUL.
    search = request.GET.get("q", "").replace("\x00", "").strip()[:SEARCH_LIMIT]
    outlet_id = request.GET.get("outlet", "")
    outlet_kind = request.GET.get("outlet_kind", "")
    documents = documents_for_library(
        project=access.project,
        search=search,
        outlet_id=id_or_none(outlet_id),
        outlet_kind=outlet_kind if outlet_kind in OutletKind.values else "",
    )
    template = "reader/document_list.html"
    if wants_partial(request):
        template += "#document-table"
    return render(
        request,
        template,
        {
            "access": access,
            "project": access.project,
            "documents": documents,
            "outlets": access.project.outlets.all(),
            "outlet_kinds": OutletKind.choices,
            "export_formats": FORMATS.values(),
            "search": search,
            "selected_outlet": outlet_id,
            "selected_outlet_kind": outlet_kind,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(user=request.user, slug=slug, permission=Permission.ANNOTATE)
    form = form_posted(request, DocumentForm, project=access.project)
    if form.is_bound and form.is_valid() and form.cleaned_data["preview"]:
        # A file or page read for the user to check: the form again, filled in, unsaved.
        context = {
            "access": access,
            "project": access.project,
            "form": DocumentForm(initial=form.preview_initial(), project=access.project),
            "extracted": form.cleaned_data["extracted"],
            "all_text_used": form.cleaned_data["all_text_used"],
        }
        return render(request, "reader/document_form.html", context)

    def write(data: dict) -> Document:
        # One transaction: a refused text must not leave its new outlet behind.
        with transaction.atomic():
            outlet = data["outlet"] or documents.outlet_get_or_create(
                project=access.project, name=data["new_outlet"], kind=data["new_outlet_kind"]
            )
            return documents.document_create(
                project=access.project,
                outlet=outlet,
                title=data["title"],
                text=data["source_text"],
                published=data["published"],
                origin=data["origin"],
                language=data["language"],
                added_by=request.user,
            )

    document = form_saved(form, write)
    if document is not None:
        suggestions.suggestions_after_change(document=document)
        return redirect(document)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "reader/document_form.html",
        {"access": access, "project": access.project, "form": form},
        status=status,
    )


def _reader_filters(data) -> ReaderFilters:
    shown = {kind for kind in data.getlist("show") if kind in Kind.values}
    author = data.get("author", "")
    return ReaderFilters(
        kinds=frozenset(shown) if shown else frozenset(Kind.values),
        author_id=id_or_none(author),
        open_threads=data.get("threads") == "open",
        suggestions=data.get("suggestions") == "on",
    )


def _filters_query(filters: ReaderFilters) -> str:
    """The filters as a query string prefix (ending in & when not empty), for the panel's
    next-page requests."""
    query = QueryDict(mutable=True)
    if filters.kinds != frozenset(Kind.values):
        query.setlist("show", sorted(filters.kinds))
    if filters.author_id is not None:
        query["author"] = str(filters.author_id)
    if filters.open_threads:
        query["threads"] = "open"
    if filters.suggestions:
        query["suggestions"] = "on"
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


def _reader_context(
    access, document, filters, offset: int = 0, panel: bool = True, version: int | None = None
) -> dict:
    """The reader's context, on the latest version or (read-only) an older `version`."""
    text = version_text(document, version) if version else None
    query = _filters_query(filters) + (f"version={version}&" if version else "")
    shown = reader_suggestions(access=access, document=document, filters=filters, version=version)
    return {
        "access": access,
        "project": access.project,
        "document": document,
        "filters": filters,
        "filters_query": query,
        "view": reader_view(
            document=document,
            filters=filters,
            offset=offset,
            panel=panel,
            version=version,
            text=text,
            extra_spans=shown.spans if shown else None,
        ),
        "suggestions": shown,
        "stances": Stance.choices,
        "poll_seconds": settings.READER_POLL_SECONDS,
    }


def _render_reader(request, template: str, context: dict) -> HttpResponse:
    """`template` rendered with a reader's context, the reading pane's bytes put in its
    place after (render_cache.PaneSlot: a long text is not copied through every template
    level and encoded again)."""
    slot = context["pane_slot"] = render_cache.PaneSlot()
    return slot.fill(render(request, template, context))


@api.negotiated
@login_required
@vary_on_headers("HX-Request")
def document_detail(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, document = document_get_for_user(user=request.user, slug=slug, pk=pk)
    offset = id_or_none(request.GET.get("offset", "")) or 0
    version = version_number(document, request.GET.get("version"))
    filters = _reader_filters(request.GET)
    context = _reader_context(access, document, filters, offset, version=version)
    template = "reader/document_detail.html"
    if wants_partial(request) and "offset" in request.GET:
        template = "reader/partials/annotation_items.html"  # the panel's next page
    elif wants_partial(request):
        template = READER_BODY
    elif access.can(Permission.ANNOTATE):
        context["facets"] = facets_for_linking(access.project)
    return _render_reader(request, template, context)


def _refresh_revision(document) -> None:
    """Read the document's revision again (after a change), not the rest of its row."""
    counter = DocumentRevision.objects.filter(document=document).first()
    document.counter = counter or DocumentRevision(document=document)


def reader_body_response(
    request, access, document, *, saved=None, trashed=None, notice: str = ""
) -> HttpResponse:
    """The text and the panel again after a change; with `notice` (and `trashed`, for its
    Undo button) the status bar says what happened, out of band."""
    # The panel's poller starts from the revision after this change, not before it.
    _refresh_revision(document)
    context = _reader_context(access, document, _reader_filters(request.POST))
    context.update(notice=notice, trashed=trashed)
    response = _render_reader(request, "reader/partials/reader_body_notice.html", context)
    if saved is not None:
        response["HX-Trigger-After-Settle"] = f'{{"annotationSaved": {saved.pk}}}'
    elif trashed is not None:
        response["HX-Trigger-After-Settle"] = '{"annotationTrashed": true}'
    return response


def _created_response(request, access, document, annotation) -> HttpResponse:
    """The new item on top of the panel, and the text with its highlight: not the whole
    panel again (its other items have not changed, and it comes a page at a time)."""
    _refresh_revision(document)
    context = _reader_context(access, document, _reader_filters(request.POST), panel=False)
    context["annotation"] = annotation_with_links(pk=annotation.pk)
    response = _render_reader(request, "reader/partials/annotation_created.html", context)
    response = reswap(retarget(response, "#panel-pinned"), "afterbegin")
    response["HX-Trigger-After-Settle"] = f'{{"annotationSaved": {annotation.pk}}}'
    return response


@login_required
@require_POST
def annotation_create(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, document = document_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.ANNOTATE
    )
    form = AnnotationCreateForm(request.POST, document=document)
    if not form.is_valid():
        return error_response(request, form_messages(form), target="#toolbar-errors")
    data = form.cleaned_data

    @retry_on_conflict  # one transaction: a link that fails must not leave its annotation
    def write():
        annotation = documents.annotation_create(
            document=document,
            author=request.user,
            kind=data["kind"],
            start=data["start"],
            end=data["end"],
            note=data["note"],
            seen_quote=data["quote"],
        )
        if data["facet"]:
            events.facet_link_create_inline(
                annotation=annotation,
                author=request.user,
                facet=data["facet"],
                value=data["value"],
                attribution=data["attribution"],
                stance=data["stance"] or Stance.ASSERTS,
            )
        return annotation

    try:
        annotation = write()
    except ValidationError as error:
        return error_response(request, error.messages, target="#toolbar-errors")
    if request.htmx:
        return _created_response(request, access, document, annotation)
    return redirect(f"{document.get_absolute_url()}#annotation-{annotation.pk}")


@require_GET
def document_changes(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Polled by readers: 204 when nothing changed since their revision, else a bar saying
    how many changes there were. One indexed query (after the session's own)."""
    context = {"project_slug": slug, "document_pk": pk}
    return revision_poll(
        request, document_revision_for_user, "reader/partials/live_changes.html", context
    )


@login_required
@vary_on_headers("HX-Request")
def annotation_detail(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, annotation = annotation_get_for_user(user=request.user, slug=slug, pk=pk)
    annotation = annotation_with_links(pk=annotation.pk)
    context = {"access": access, "project": access.project, "annotation": annotation}
    if request.htmx:
        return render(request, "reader/partials/annotation_item.html", context)
    return render(request, "reader/annotation_detail.html", context)


def _annotation_form(
    request, context: dict, annotation, *, status: int = 200, kept: dict | None = None, **extra
):
    """The edit form, pre-filled with the annotation as stored now, or (after an edit
    conflict) with what the editor had typed, `kept`, over the newer version; a note a
    moderator hid from this member is neither shown nor editable."""
    access = context["access"]
    initial = {
        "kind": annotation.kind,
        "note": access.note_of(annotation),
        "version": annotation.version,
    }
    form = AnnotationUpdateForm(initial={**initial, **(kept or {})})
    extra.setdefault("note_hidden", access.note_of(annotation) != annotation.note)
    template = "reader/annotation_form.html"
    if request.htmx:
        template = "reader/partials/annotation_form.html"
    context = {**context, "annotation": annotation, "form": form, **extra}
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def annotation_update(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, annotation = annotation_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.ANNOTATION_CHANGE
    )
    context = {"access": access, "project": access.project}
    if request.method == "GET":
        return _annotation_form(request, context, annotation)

    form = AnnotationUpdateForm(request.POST)
    errors_target = f"#annotation-{annotation.pk}-errors"
    if not form.is_valid():
        return error_response(request, form_messages(form), target=errors_target)
    try:
        documents.annotation_update(
            annotation=annotation,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            # A note hidden from its editor stays as it is: they did not see it.
            note=form.cleaned_data["note"]
            if access.note_of(annotation) == annotation.note
            else annotation.note,
            edited_version=form.cleaned_data["version"],
        )
    except documents.StaleVersionError as error:
        # Show the newer version with the editor's own text beside it: nothing is
        # overwritten silently, and nothing typed is lost.
        response = _annotation_form(
            request,
            context,
            error.annotation,
            status=409,
            conflict=error.messages,
            theirs=error.annotation,
            kept={"kind": form.cleaned_data["kind"], "note": form.cleaned_data["note"]},
        )
        if request.htmx:
            return reswap(retarget(response, f"#annotation-{annotation.pk}"), "outerHTML")
        return response
    except ValidationError as error:
        return error_response(request, error.messages, target=errors_target)
    if request.htmx:
        return reader_body_response(request, access, annotation.document, saved=annotation)
    return redirect(f"{annotation.document.get_absolute_url()}#annotation-{annotation.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def annotation_delete(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, annotation = annotation_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.ANNOTATION_CHANGE
    )
    if request.method == "GET":
        return render(
            request,
            "reader/annotation_confirm_delete.html",
            {"access": access, "project": access.project, "annotation": annotation},
        )
    document = annotation.document
    trashed = documents.annotation_delete(annotation=annotation, actor=request.user)
    if request.htmx:
        return reader_body_response(
            request, access, document, trashed=trashed, notice=MOVED_TO_TRASH
        )
    messages.success(request, MOVED_TO_TRASH)
    return redirect(document)
