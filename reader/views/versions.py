"""The versions of a source: adding a new capture, reviewing where its annotations landed,
and the diff between two versions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reader.access import Permission
from reader.forms.annotations import AnchorMoveForm
from reader.forms.documents import VersionForm
from reader.selectors.access import annotation_get_for_user, document_get_for_user
from reader.selectors.versions import (
    document_versions,
    review_items,
    version_number,
)
from reader.selectors.versions import version_diff as diff_runs
from reader.services import suggestions, versions
from reader.views.common import (
    HtmxHttpRequest,
    error_response,
    form_messages,
    form_posted,
    form_saved,
)

ERROR_DIFF_SAME = "Choose two different versions to compare."


def _review_url(annotation) -> str:
    return reverse(
        "reader:anchor_review", args=[annotation.document.project.slug, annotation.document_id]
    )


@login_required
@require_http_methods(["GET", "POST"])
def version_create(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, document = document_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.ANNOTATE
    )
    form = form_posted(request, VersionForm)
    report = form_saved(
        form,
        lambda data: versions.version_create(
            document=document, text=data["source_text"], added_by=request.user
        ),
    )
    if report is not None:
        suggestions.suggestions_after_change(document=document)
        counts = ", ".join(f"{count} {status}" for status, count in report.counts.items())
        messages.success(request, f"Version {report.number} added: {counts}.")
        if report.to_review:
            return redirect("reader:anchor_review", slug=slug, pk=pk)
        return redirect(document)
    context = {
        "access": access,
        "project": access.project,
        "document": document,
        "form": form,
        "versions": document_versions(document),
    }
    return render(
        request, "reader/version_form.html", context, status=400 if form.is_bound else 200
    )


@login_required
@require_GET
def anchor_review(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """The fuzzy and orphaned annotations, old and proposed passage side by side, with the
    latest text to select a new passage in."""
    access, document = document_get_for_user(user=request.user, slug=slug, pk=pk)
    context = {
        "access": access,
        "project": access.project,
        "document": document,
        "items": review_items(document),
        "versions": document_versions(document),
    }
    return render(request, "reader/anchor_review.html", context)


@login_required
@require_GET
def version_diff(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, document = document_get_for_user(user=request.user, slug=slug, pk=pk)
    latest = document.text_version
    older = version_number(document, request.GET.get("from")) or latest
    newer = version_number(document, request.GET.get("to")) or latest
    if "from" not in request.GET:
        older = max(1, latest - 1)
    if older == newer and latest > 1:
        return error_response(request, [ERROR_DIFF_SAME], target="#diff-errors")
    older, newer = min(older, newer), max(older, newer)
    runs = diff_runs(document, older, newer)
    context = {
        "access": access,
        "project": access.project,
        "document": document,
        "runs": runs,
        "older": older,
        "newer": newer,
        "versions": document_versions(document),
        "inserted": sum(len(run.text) for run in runs if run.op == "insert"),
        "deleted": sum(len(run.text) for run in runs if run.op == "delete"),
    }
    return render(request, "reader/version_diff.html", context)


def _review_action(request, slug: str, pk: int, action) -> HttpResponse:
    """A review's action on the annotation: a service called with the annotation and the
    person; its errors, or back to the review."""
    _, annotation = annotation_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.ANNOTATE
    )
    try:
        action(annotation=annotation, actor=request.user)
    except ValidationError as error:
        return error_response(request, error.messages, target=f"#review-{pk}-errors")
    return redirect(f"{_review_url(annotation)}#review-{pk}")


@login_required
@require_POST
def anchor_accept(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _review_action(request, slug, pk, versions.anchor_accept)


@login_required
@require_POST
def anchor_orphan(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    return _review_action(request, slug, pk, versions.anchor_orphan)


@login_required
@require_POST
def anchor_move(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    def move(*, annotation, actor) -> None:
        form = AnchorMoveForm(request.POST, text=annotation.document.text)
        if not form.is_valid():
            raise ValidationError(form_messages(form))
        versions.anchor_move(
            annotation=annotation,
            actor=actor,
            passage=form.cleaned_data["passage"],
            start=form.cleaned_data["start"],
        )

    return _review_action(request, slug, pk, move)
