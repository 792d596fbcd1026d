"""The import page: upload, preview (counts and problems), then import."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from reader import imports
from reader.access import Permission
from reader.forms import ImportForm
from reader.models import ImportKind, PendingImport
from reader.selectors.access import project_access

PENDING_LIFETIME = datetime.timedelta(days=1)


def _run(pending: PendingImport, *, dry_run: bool, data=None) -> imports.ImportReport:
    """Import the pending upload (`data` when it is already parsed)."""
    if data is None:
        data = imports.parse_json(pending.payload.encode("utf-8"))
    if pending.kind == ImportKind.BUNDLE:
        return imports.bundle_import(data=data, project=pending.project, dry_run=dry_run)
    return imports.w3c_import(
        data=data, document=pending.document, default_author=pending.user, dry_run=dry_run
    )


def _check_role(access, kind: str) -> None:
    access.require(Permission.IMPORT_BUNDLE if kind == ImportKind.BUNDLE else Permission.IMPORT_W3C)


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, slug: str) -> HttpResponse:
    access = project_access(user=request.user, slug=slug, permission=Permission.ANNOTATE)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, project=access.project)
    else:
        form = ImportForm(project=access.project)
    problems: list[str] = []
    if form.is_bound and form.is_valid():
        _check_role(access, form.cleaned_data["kind"])
        upload = form.cleaned_data["file"]
        try:
            raw = upload.read(imports.MAX_IMPORT_BYTES + 1)
            data = imports.parse_json(raw)  # refuses what is not JSON before anything is stored
            PendingImport.objects.filter(created__lt=timezone.now() - PENDING_LIFETIME).delete()
            pending = PendingImport(
                project=access.project,
                user=request.user,
                kind=form.cleaned_data["kind"],
                document=form.cleaned_data["document"],
                filename=upload.name[:255],
                payload=raw.decode("utf-8-sig"),
            )
            report = _run(pending, dry_run=True, data=data)
        except imports.ImportRefused as refused:
            problems = refused.problems
        else:
            pending.preview = {
                "counts": [
                    (name, report.created[name], report.existing[name])
                    for name in sorted(set(report.created) | set(report.existing))
                ],
                "new_members": report.new_members,
            }
            # One upload waits per person and project: a new one replaces the last.
            PendingImport.objects.filter(project=access.project, user=request.user).delete()
            pending.save()
            return redirect("reader:import_preview", slug=slug, pk=pending.pk)
    status = 400 if request.method == "POST" else 200
    context = {"access": access, "project": access.project, "form": form, "problems": problems}
    return render(request, "reader/import_upload.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access = project_access(user=request.user, slug=slug, permission=Permission.ANNOTATE)
    pending = (
        PendingImport.objects.filter(pk=pk, project=access.project, user=request.user)
        .select_related("document")
        .first()
    )
    if pending is None:
        raise Http404
    _check_role(access, pending.kind)
    if request.method == "GET":
        context = {"access": access, "project": access.project, "pending": pending}
        return render(request, "reader/import_preview.html", context)
    try:
        report = _run(pending, dry_run=False)
    except imports.ImportRefused as refused:
        # The project changed since the upload; say so, and keep nothing.
        pending.delete()
        context = {
            "access": access,
            "project": access.project,
            "problems": refused.problems,
            "form": ImportForm(project=access.project),
        }
        return render(request, "reader/import_upload.html", context, status=400)
    pending.delete()
    messages.success(request, f"{pending.filename}: {report.summary()}")
    return redirect(pending.document or access.project)
