"""Suggestions in the reader and the matrix: accept (as proposed or edited), reject,
accept all of a cell or a source (owners, after a preview), the project-wide batch with
its progress bar (owners), and similar passages of the project's other sources.

Every view asks the access policy through the lookups of reader.selectors.access:
outsiders get 404, viewers 403 with the policy's message (they never see suggestions).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reader import anchoring
from reader.access import Access, Permission
from reader.forms.suggestions import AcceptAllForm, SuggestionEditForm
from reader.models import Annotation, Document
from reader.selectors.access import (
    _one,
    document_get_for_user,
    project_access,
    suggestion_get_for_user,
)
from reader.selectors.suggestions import (
    ShownSuggestions,
    batch_progress,
    cell_suggestions,
    document_suggestions,
    events_for_compare,
    suggestion_inputs,
)
from reader.services import suggestions as service
from reader.suggestions.similar import PassageIndex
from reader.views.common import HtmxHttpRequest, error_response, form_messages, id_or_none

SIMILAR_LIMIT = 5
QUOTE_LIMIT = 2000
ACCEPTED = "Accepted: {facet} = {value}."
REJECTED = "Rejected: it will not be proposed again."
ACCEPTED_ALL = "Accepted {count} suggestion{plural}."
ERROR_SPAN = "Select a passage of the text (or open an annotation) to find similar passages."


def reader_suggestions(*, access: Access, document, filters, version) -> ShownSuggestions | None:
    """The reader's suggestions when they are on, for members who may review them, on the
    latest version; computed first when stale (one source: in the request)."""
    if not filters.suggestions or version or not access.can(Permission.SUGGESTION_REVIEW):
        return None
    service.suggestions_compute(document=document)
    return ShownSuggestions(document_suggestions(document=document))


def _reader_with_suggestions(document) -> HttpResponse:
    return redirect(f"{document.get_absolute_url()}?suggestions=on")


def _back_to_reader(request, access, document, *, notice: str) -> HttpResponse:
    from reader.views.reading import reader_body_response

    if request.htmx:
        return reader_body_response(request, access, document, notice=notice)
    return _reader_with_suggestions(document)


def _review(request, slug: str, pk: int):
    """The member's access and the suggestion, once the policy lets them review it."""
    return suggestion_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.SUGGESTION_REVIEW
    )


def _page(request: HtmxHttpRequest, template: str, partial: str, context: dict) -> HttpResponse:
    """The page, or for htmx its `partial` alone."""
    return render(request, f"{template}#{partial}" if request.htmx else template, context)


@login_required
@require_POST
def suggestion_accept(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Accept a suggestion as proposed, or (from its edit form) with what was changed."""
    access, suggestion = _review(request, slug, pk)
    errors_target = f"#suggestion-{suggestion.pk}-errors"
    changes: dict = {}
    if request.POST.get("edited"):
        form = SuggestionEditForm(request.POST, text_length=len(suggestion.document.text))
        if not form.is_valid():
            return error_response(request, form_messages(form), target=errors_target)
        changes = form.cleaned_data
    try:
        service.suggestion_accept(suggestion=suggestion, actor=request.user, **changes)
    except ValidationError as error:
        return error_response(request, error.messages, target=errors_target)
    value = changes.get("value", suggestion.value)
    notice = ACCEPTED.format(facet=suggestion.facet.name, value=value)
    return _back_to_reader(request, access, suggestion.document, notice=notice)


@login_required
@require_GET
def suggestion_edit(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The suggestion's edit form: change it, then accept it."""
    access, suggestion = _review(request, slug, pk)
    form = SuggestionEditForm(
        initial={
            "value": suggestion.value,
            "kind": suggestion.kind,
            "stance": suggestion.stance,
            "attribution": suggestion.attribution,
            "start": suggestion.start,
            "end": suggestion.end,
        },
        text_length=len(suggestion.document.text),
    )
    context = {
        "access": access,
        "project": access.project,
        "suggestion": suggestion,
        "form": form,
        "document": suggestion.document,
    }
    return _page(request, "reader/suggestion_form.html", "suggestion-form", context)


@login_required
@require_POST
def suggestion_reject(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, suggestion = _review(request, slug, pk)
    try:
        service.suggestion_reject(suggestion=suggestion, actor=request.user)
    except ValidationError as error:
        return error_response(request, error.messages, target=f"#suggestion-{pk}-errors")
    return _back_to_reader(request, access, suggestion.document, notice=REJECTED)


@login_required
@require_http_methods(["GET", "POST"])
def suggestions_accept_all(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Every pending suggestion of a matrix cell (?document=&facet=) or of a source
    (?document=): a preview of what would be made, then one POST accepts them all."""
    access = project_access(user=request.user, slug=slug, permission=Permission.SUGGESTION_BULK)
    form = AcceptAllForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return error_response(request, form_messages(form), target="#accept-all-errors")
    document = _one(
        Document.objects.select_related("project", "outlet"),
        access=access,
        pk=form.cleaned_data["document"],
    )
    facet_id = form.cleaned_data["facet"]
    suggestions = cell_suggestions(
        project=access.project, facet_id=facet_id, document_id=document.pk
    )
    if request.method == "POST":
        try:
            accepted = service.suggestions_accept_all(suggestions=suggestions, actor=request.user)
        except ValidationError as error:
            return error_response(request, error.messages, target="#accept-all-errors")
        count = len(accepted)
        notice = ACCEPTED_ALL.format(count=count, plural="" if count == 1 else "s")
        messages.success(request, notice)
        back = request.POST.get("next", "")
        if back.startswith(f"/p/{access.project.slug}/") and "//" not in back:
            return redirect(back)
        return _reader_with_suggestions(document)
    context = {
        "access": access,
        "project": access.project,
        "document": document,
        "facet_id": facet_id,
        "suggestions": suggestions,
        "next": request.GET.get("next", ""),
    }
    return render(request, "reader/suggestions_accept_all.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def suggestions_batch(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The project's suggestions, computed in batches: GET shows the progress; each POST
    (the progress bar polls with htmx while unfinished) computes the next BATCH_SIZE
    sources whose suggestions are stale and answers with the bar again."""
    access = project_access(user=request.user, slug=slug, permission=Permission.SUGGESTION_BULK)
    if request.method == "POST":
        progress = service.suggestions_compute_batch(project=access.project)
        running = not progress.finished
    else:
        inputs = suggestion_inputs(project_id=access.project.pk)
        progress = batch_progress(project=access.project, inputs=inputs)
        running = False
    context = {
        "access": access,
        "project": access.project,
        "progress": progress,
        "running": running,
        "batch_size": service.BATCH_SIZE,
    }
    if request.method == "POST" and not request.htmx:
        return redirect(reverse("reader:suggestions_batch", args=[slug]))
    return _page(request, "reader/suggestions_batch.html", "batch-progress", context)


def _similar_query(request, document) -> str | None:
    """What to look for: ?quote= (a selection's text), the span of ?annotation= (one of
    this document's), or ?start=&end= (code points); None when none is usable."""
    typed = " ".join(request.GET.get("quote", "").replace("\x00", "").split())[:QUOTE_LIMIT]
    if typed:
        return typed
    annotation_pk = id_or_none(request.GET.get("annotation", ""))
    if annotation_pk is not None:
        annotation = (
            Annotation.objects.filter(document=document, pk=annotation_pk)
            .only("start", "end", "anchor_status", "proposed_start", "proposed_end")
            .first()
        )
        if annotation is None:
            raise Http404
        span = annotation.shown_span
    else:
        start, end = (id_or_none(request.GET.get(name, "")) for name in ("start", "end"))
        span = (start, end) if start is not None and end is not None else None
    if span is None or not 0 <= span[0] < span[1] <= len(document.text):
        return None
    return anchoring.quote_for(document.text, *span).exact


@login_required
@require_GET
def similar_passages(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Passages of the project's other sources that say what a passage of this one says,
    each opening in the reader or side by side with this one. Every member reads them:
    they are the team's sources, not suggestions."""
    access, document = document_get_for_user(user=request.user, slug=slug, pk=pk)
    quote = _similar_query(request, document)
    if quote is None:
        return error_response(request, [ERROR_SPAN], target="#similar-passages")
    others = Document.objects.filter(project=access.project).exclude(pk=document.pk)
    passages = PassageIndex(list(others.values_list("pk", "text"))).similar(
        quote, exclude_document=document.pk, limit=SIMILAR_LIMIT
    )
    titles = dict(
        others.filter(pk__in={p.document_id for p in passages}).values_list("pk", "title")
    )
    events = events_for_compare(project=access.project)
    context = {
        "access": access,
        "project": access.project,
        "document": document,
        "quote": quote,
        "passages": [(passage, titles.get(passage.document_id, "")) for passage in passages],
        "event": events[0] if events else None,
    }
    return render(request, "reader/partials/similar_passages.html", context)
