"""Many source files at once: a page with a multi-file picker and a drop zone. Its script
(static/reader/upload.js) posts the files one by one and shows each result as it comes;
without JavaScript the form posts them all and the page shows the summary."""

from __future__ import annotations

from collections import Counter

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from reader.access import Permission
from reader.formats.sources import KINDS_TEXT, SUFFIXES
from reader.forms.documents import DocumentUploadForm
from reader.selectors.access import project_access
from reader.services import documents
from reader.services.sources import ADDED, PRESENT, REFUSED, sources_add
from reader.views.common import HtmxHttpRequest, form_posted, wants_partial


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def document_upload(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    access = project_access(user=request.user, slug=slug, permission=Permission.ANNOTATE)
    context: dict = {
        "access": access,
        "project": access.project,
        "outcomes": None,
        "kinds": KINDS_TEXT,
        "accept": ",".join(sorted(SUFFIXES | {".zip"})),
    }
    form = form_posted(request, DocumentUploadForm, project=access.project)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        outlet = data["outlet"] or documents.outlet_get_or_create(
            project=access.project, name=data["new_outlet"], kind=data["new_outlet_kind"]
        )
        outcomes = [
            outcome
            for upload in data["files"]
            for outcome in sources_add(
                project=access.project,
                outlet=outlet,
                name=upload.name or "",
                data=upload.read(),
                limit=settings.READER_MAX_SOURCE_BYTES,
                added_by=request.user,
                all_text=data["all_text"],
            )
        ]
        counts = Counter(outcome.status for outcome in outcomes)
        context |= {
            "outcomes": outcomes,
            "added": counts[ADDED],
            "present": counts[PRESENT],
            "refused": counts[REFUSED],
        }
    context["form"] = form
    template = "reader/document_upload.html"
    if wants_partial(request) and form.is_bound:
        template = "reader/partials/upload_outcomes.html"
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, template, context, status=status)
