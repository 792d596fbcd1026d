"""How much annotators agree: per document (with two annotators side by side) and per
project."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from reader import anchoring
from reader.selectors.access import document_get_for_user, project_access
from reader.selectors.agreement import agreement_for_document, agreement_for_project
from reader.views.common import id_or_none


def _highlights_of(document, units, annotator) -> list[anchoring.Segment]:
    """The document's segments with only one annotator's spans highlighted."""
    spans = anchoring.structure_spans(document.text) + [
        anchoring.Span(mark.start, mark.end, mark.annotation)
        for unit in units
        for mark in unit.marks
        if mark.annotation.author_id == annotator.pk
    ]
    return anchoring.segments(len(document.text), spans)


@login_required
@require_GET
def document_agreement(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access, document = document_get_for_user(user=request.user, slug=slug, pk=pk)
    report = agreement_for_document(document=document)
    by_id = {user.pk: user for user in report.annotators}
    chosen = [by_id.get(id_or_none(request.GET.get(name, ""))) for name in ("a", "b")]
    if not all(chosen) and len(report.annotators) >= 2:
        chosen = report.annotators[:2]
    columns = []
    if all(chosen) and chosen[0] != chosen[1]:
        columns = [(user, _highlights_of(document, report.units, user)) for user in chosen]
    context = {
        "access": access,
        "project": access.project,
        "document": document,
        "report": report,
        "columns": columns,
    }
    return render(request, "reader/document_agreement.html", context)


@login_required
@require_GET
def project_agreement(request: HttpRequest, slug: str) -> HttpResponse:
    access = project_access(user=request.user, slug=slug)
    report = agreement_for_project(project=access.project)
    context = {"access": access, "project": access.project, "report": report}
    return render(request, "reader/project_agreement.html", context)
