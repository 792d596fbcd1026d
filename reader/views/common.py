"""Helpers the view modules share."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails

from reader.selectors.reading import annotation_with_links

T = TypeVar("T")


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (the type views annotate with)."""

    htmx: HtmxDetails


def id_or_none(value: str) -> int | None:
    """An id from a query string, or None: `str.isdigit` alone lets "²" and 30-digit
    numbers through to int() and the database."""
    return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else None


def date_or_none(value: str) -> datetime.date | None:
    """A date from a query string (YYYY-MM-DD), or None."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def form_messages(form) -> list[str]:
    """Each error with the label of its field, so a person knows which one to fix."""
    messages = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = (field.label or name.replace("_", " ").capitalize()) if field else ""
        messages += [f"{label}: {error}" if label else error for error in errors]
    return messages


def wants_partial(request: HtmxHttpRequest) -> bool:
    """htmx asks for a fragment, except when restoring history (it needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def error_response(request, messages: list[str], *, target: str, status: int = 400):
    """Errors go into the form's error box for htmx, or onto an error page otherwise."""
    if request.htmx:
        response = render(
            request, "reader/partials/form_errors.html", {"errors": messages}, status=status
        )
        return reswap(retarget(response, target), "innerHTML")
    return render(request, "reader/error.html", {"errors": messages}, status=status)


def form_write(
    request,
    form,
    write: Callable[[dict], T],
    done: Callable[[T], HttpResponse],
    *,
    target: str,
) -> HttpResponse:
    """A POST's course: the form's errors, or the ValidationError of `write` (a service
    called with the cleaned data), into the error box at `target`; else `done` with what
    the write returned."""
    if not form.is_valid():
        return error_response(request, form_messages(form), target=target)
    try:
        written = write(form.cleaned_data)
    except ValidationError as error:
        return error_response(request, error.messages, target=target)
    return done(written)


def form_posted(request, form_class, **kwargs):
    """The form bound to a POST's data and files, or an empty one for a GET."""
    if request.method == "POST":
        return form_class(request.POST, request.FILES, **kwargs)
    return form_class(**kwargs)


def form_saved(form, write: Callable[[dict], T]) -> T | None:
    """What `write` (a service called with the cleaned data) returned; None when the form
    is unbound or invalid, or the service refused (its messages then join the form's
    errors, for the form's page again)."""
    if not form.is_valid():
        return None
    try:
        return write(form.cleaned_data)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return None


def annotation_item_response(request, access, annotation) -> HttpResponse:
    """After a change to one annotation: its panel item for htmx, else back to the reader
    at it (post/redirect/get)."""
    if not request.htmx:
        return redirect(f"{annotation.document.get_absolute_url()}#annotation-{annotation.pk}")
    annotation = annotation_with_links(pk=annotation.pk)
    context = {
        "access": access,
        "project": access.project,
        "annotation": annotation,
        # The poller moves on to the revision after this change: it is not news to its maker.
        "document": annotation.document,
        "poll_seconds": settings.READER_POLL_SECONDS,
    }
    return render(request, "reader/partials/annotation_item_update.html", context)


def revision_poll(
    request: HttpRequest, revision_for_user, template: str, context: dict | None = None
) -> HttpResponse:
    """A page's poll: 204 when nothing changed since the revision it shows (`?since=`), else
    the bar saying how many changes there were; 286 (htmx: stop polling) when signed out,
    rather than a sign-in page inside the bar. One indexed query after the session's own."""
    if not request.user.is_authenticated:
        return HttpResponse(status=286)
    kwargs = request.resolver_match.kwargs if request.resolver_match else {}
    revision = revision_for_user(user=request.user, **kwargs)
    if revision is None:
        raise Http404
    since = id_or_none(request.GET.get("since", "")) or 0
    if revision <= since:
        return HttpResponse(status=204)
    return render(request, template, {**(context or {}), "changes": revision - since})
