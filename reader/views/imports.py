"""The import page: upload, preview (counts and problems), then import."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from reader.access import Permission
from reader.formats import FORMATS
from reader.formats.reading import MAX_IMPORT_BYTES, parse_json
from reader.forms.imports import ImportConfirmForm, ImportForm
from reader.models import PendingImport
from reader.selectors.access import project_access
from reader.services.imports import (
    ImportRefused,
    import_run,
    pending_import_create,
    pending_import_delete,
)
from reader.views.common import form_posted

ERROR_NO_DOCUMENT = (
    "Choose the document the annotations are on: their target names none of this project's "
    "documents (by its address here, or by the URL it came from)."
)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    access = project_access(user=request.user, slug=slug, permission=Permission.ANNOTATE)
    form = form_posted(request, ImportForm, project=access.project)
    problems: list[str] = []
    if form.is_bound and form.is_valid():
        format = FORMATS[form.cleaned_data["kind"]]
        access.require(format.import_permission)
        upload, document = form.cleaned_data["file"], form.cleaned_data["document"]
        try:
            raw = upload.read(MAX_IMPORT_BYTES + 1)
            data = parse_json(raw)  # refuses what is not JSON before anything is stored
            if format.document_named is not None and document is None:
                document = format.document_named(data, access.project)
                if document is None:
                    raise ImportRefused([ERROR_NO_DOCUMENT])
            run = {"format": format, "data": data, "actor": request.user, "source": upload.name}
            run |= {"project": access.project, "document": document, "dry_run": True}
            try:
                report = import_run(**run)
            except ImportRefused as refused:
                if not refused.unanchored:
                    raise
                # Only some annotations cannot be anchored: the preview offers to skip them.
                report = import_run(**run, skip_unanchored=True)
        except ImportRefused as refused:
            problems = refused.problems
        else:
            pending = pending_import_create(
                project=access.project,
                user=request.user,
                kind=format.name,
                document=document,
                filename=upload.name,
                payload=raw.decode("utf-8-sig"),
                preview=report.preview(),
            )
            return redirect("reader:import_preview", slug=slug, pk=pending.pk)
    status = 400 if request.method == "POST" else 200
    context = {"access": access, "project": access.project, "form": form, "problems": problems}
    return render(request, "reader/import_upload.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = project_access(user=request.user, slug=slug, permission=Permission.ANNOTATE)
    pending = (
        PendingImport.objects.filter(pk=pk, project=access.project, user=access.membership.user)
        .select_related("document")
        .first()
    )
    if pending is None:
        raise Http404
    format = FORMATS[pending.kind]
    access.require(format.import_permission)
    form = ImportConfirmForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        context = {"access": access, "project": access.project, "pending": pending, "form": form}
        status = 400 if form.is_bound else 200
        return render(request, "reader/import_preview.html", context, status=status)
    try:
        report = import_run(
            format=format,
            data=parse_json(pending.payload.encode("utf-8")),
            actor=request.user,
            source=pending.filename,
            project=access.project,
            document=pending.document,
            foreign_authors=form.cleaned_data["foreign_authors"],
            skip_unanchored=form.cleaned_data["skip_unanchored"],
        )
    except ImportRefused as refused:
        # The project changed since the upload; say so, and keep nothing.
        pending_import_delete(pending=pending)
        context = {
            "access": access,
            "project": access.project,
            "problems": refused.problems,
            "form": ImportForm(project=access.project),
        }
        return render(request, "reader/import_upload.html", context, status=400)
    pending_import_delete(pending=pending)
    messages.success(request, f"{pending.filename}: {report.summary()}")
    return redirect(pending.document or access.project)
