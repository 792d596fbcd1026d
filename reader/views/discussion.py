"""The discussion of an annotation: replies, resolving the thread, and moderation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from reader.access import Permission
from reader.selectors.access import annotation_get_for_user, reply_get_for_user
from reader.services import discussion
from reader.views.common import HtmxHttpRequest, annotation_item_response, error_response


def _annotation_for_writer(request, slug: str, pk: int):
    """Any member who may write can reply to and resolve any annotation of the project."""
    return annotation_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.ANNOTATE
    )


def _form(request, access, annotation, partial: str, **extra) -> HttpResponse:
    """A form asked for on demand: the fragment for htmx, a page around it otherwise. (The
    panel shows links, not forms: thousands of annotations would mean thousands of forms.)"""
    context = {
        "access": access,
        "project": access.project,
        "annotation": annotation,
        "form_template": partial,
        **extra,
    }
    template = partial if request.htmx else "reader/discussion_form.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def reply_create(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, annotation = _annotation_for_writer(request, slug, pk)
    if request.method == "GET":
        return _form(request, access, annotation, "reader/partials/reply_new.html")
    try:
        discussion.reply_create(
            annotation=annotation, author=request.user, text=request.POST.get("text", "")
        )
    except ValidationError as error:
        return error_response(request, error.messages, target=f"#annotation-{pk}-reply-errors")
    return annotation_item_response(request, access, annotation)


@login_required
@require_http_methods(["GET", "POST"])
def reply_update(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, reply = reply_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.REPLY_CHANGE
    )
    if request.method == "GET":
        context = {"access": access, "project": access.project, "reply": reply}
        return render(request, "reader/partials/reply_form.html", context)
    try:
        discussion.reply_update(reply=reply, text=request.POST.get("text", ""))
    except ValidationError as error:
        return error_response(request, error.messages, target=f"#reply-{pk}-errors")
    return annotation_item_response(request, access, reply.annotation)


@login_required
@require_POST
def reply_delete(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, reply = reply_get_for_user(
        user=request.user, slug=slug, pk=pk, permission=Permission.REPLY_CHANGE
    )
    discussion.reply_delete(reply=reply)
    return annotation_item_response(request, access, reply.annotation)


@login_required
@require_POST
def thread_resolve(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark the thread resolved (`resolved=1`) or open it again."""
    access, annotation = _annotation_for_writer(request, slug, pk)
    resolved = request.POST.get("resolved") == "1"
    discussion.thread_set_resolved(annotation=annotation, resolved=resolved, actor=request.user)
    return annotation_item_response(request, access, annotation)


def _moderate(request, access, item, annotation, errors_target: str, action: str):
    access.require(Permission.MODERATE)
    if request.method == "GET":
        return _form(
            request,
            access,
            annotation,
            "reader/partials/moderation_form.html",
            item=item,
            action_url=action,
        )
    try:
        if request.POST.get("hide") == "1":
            discussion.moderation_hide(
                item=item, reason=request.POST.get("reason", ""), actor=request.user
            )
        else:
            discussion.moderation_show(item=item, actor=request.user)
    except ValidationError as error:
        return error_response(request, error.messages, target=errors_target)
    return annotation_item_response(request, access, annotation)


@login_required
@require_http_methods(["GET", "POST"])
def annotation_hide(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, annotation = annotation_get_for_user(user=request.user, slug=slug, pk=pk)
    return _moderate(
        request,
        access,
        annotation,
        annotation,
        f"#annotation-{pk}-reply-errors",
        "reader:annotation_hide",
    )


@login_required
@require_http_methods(["GET", "POST"])
def reply_hide(request: HtmxHttpRequest, slug: str, pk: int) -> HttpResponse:
    access, reply = reply_get_for_user(user=request.user, slug=slug, pk=pk)
    return _moderate(
        request, access, reply, reply.annotation, f"#reply-{pk}-errors", "reader:reply_hide"
    )
