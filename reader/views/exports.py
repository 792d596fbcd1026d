"""Exports: W3C Web Annotation collections of a project, a document or an event."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from reader import exports
from reader.selectors.access import document_get_for_user, event_get_for_user, project_access
from reader.selectors.exports import annotations_for_export, bundle_contents, export_rows
from reader.views.common import id_or_none

# Rows fetched per query while streaming (links come with them, one query per chunk).
EXPORT_CHUNK = 1000


def base_url(request: HttpRequest | None) -> str:
    """Scheme and host for IRIs: the request's, or READER_BASE_URL outside a request."""
    if request is None:
        return settings.READER_BASE_URL.rstrip("/")
    return request.build_absolute_uri("/").rstrip("/")


ACCEPTED_ONLY = "only"


def _w3c(request, access, *, annotations, label: str, filename: str) -> HttpResponse:
    """A W3C collection of the annotations, streamed whole or served by page; with
    `?accepted=only`, of the annotations an owner accepted (curation) alone."""
    iris = exports.Iris(base=base_url(request), slug=access.project.slug)
    iri = request.build_absolute_uri(request.path)
    if request.GET.get("accepted") == ACCEPTED_ONLY:
        annotations = annotations.filter(accepted=True)
        iri += f"?accepted={ACCEPTED_ONLY}"
        label += " (accepted only)"
        filename += "-accepted"
    total = annotations.count()
    page = request.GET.get("page")
    if page is None or page == "all":
        stream = exports.stream_collection if page is None else exports.stream_whole_page
        response = StreamingHttpResponse(
            stream(
                iri=iri,
                label=label,
                total=total,
                items=exports.w3c_items(
                    export_rows(
                        annotations, sees_hidden=access.sees_hidden, chunk_size=EXPORT_CHUNK
                    ),
                    iris,
                ),
            ),
            content_type=exports.MEDIA_TYPE,
        )
        if page is None:
            response["Content-Disposition"] = f'attachment; filename="{filename}.jsonld"'
        return response
    number = id_or_none(page)
    if number is None or number * exports.PAGE_SIZE >= max(total, 1):
        raise Http404("No such page.")
    collection = exports.collection_description(
        iri=iri, label=label, total=total, page_size=exports.PAGE_SIZE
    )
    rows = annotations[number * exports.PAGE_SIZE : (number + 1) * exports.PAGE_SIZE]
    body = exports.annotation_page(
        collection=collection,
        page=number,
        page_size=exports.PAGE_SIZE,
        items=[
            exports.annotation_to_w3c(annotation, iris, sees_hidden=access.sees_hidden)
            for annotation in rows
        ],
    )
    return JsonResponse(
        body, content_type=exports.MEDIA_TYPE, json_dumps_params={"ensure_ascii": False}
    )


@login_required
@require_GET
def project_export(request: HttpRequest, slug: str) -> HttpResponse:
    access = project_access(user=request.user, slug=slug)
    project = access.project
    if request.GET.get("format") == "bundle":
        response = StreamingHttpResponse(
            exports.stream_bundle(
                project, **bundle_contents(project=project), sees_hidden=access.sees_hidden
            ),
            content_type="application/json",
        )
        response["Content-Disposition"] = f'attachment; filename="{project.slug}-bundle.json"'
        return response
    return _w3c(
        request,
        access,
        annotations=annotations_for_export(project=project),
        label=f"Annotations in {project.name}",
        filename=f"{project.slug}-annotations",
    )


@login_required
@require_GET
def document_export(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, document = document_get_for_user(user=request.user, slug=slug, pk=pk)
    return _w3c(
        request,
        access,
        annotations=annotations_for_export(project=access.project, document=document),
        label=f"Annotations on {document.title}",
        filename=f"{access.project.slug}-document-{document.pk}-annotations",
    )


@login_required
@require_GET
def event_export(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, event = event_get_for_user(user=request.user, slug=slug, pk=pk)
    return _w3c(
        request,
        access,
        annotations=annotations_for_export(project=access.project, event=event),
        label=f"Annotations linked to {event.name}",
        filename=f"{access.project.slug}-event-{event.pk}-annotations",
    )


@require_GET
def reader_context(request: HttpRequest) -> JsonResponse:
    """Reader's JSON-LD context for the terms W3C has no name for (public, like any
    vocabulary)."""
    return JsonResponse(exports.READER_CONTEXT, content_type="application/ld+json")
