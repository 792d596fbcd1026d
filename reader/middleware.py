from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Only our own scripts and styles: no inline script, no inline style, no framing.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class RequestSizeLimitMiddleware:
    """Refuse any request body over READER_MAX_REQUEST_BYTES with 413, before reading it.
    Django limits form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams uploaded files to
    temporary files whatever their size; this bounds those too. A body without files over
    Django's own limit gets the same plain 413 here, rather than a bare 400 later."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.READER_MAX_REQUEST_BYTES
        if length > limit:
            return _too_large(f"The request is {length:,} bytes; the limit is {limit:,} bytes.")
        form_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        with_files = request.META.get("CONTENT_TYPE", "").startswith("multipart/")
        if form_limit is not None and not with_files and length > form_limit:
            return _too_large(
                f"The request is {length:,} bytes; a request without files is limited to "
                f"{form_limit:,} bytes. Upload a long text as a file."
            )
        return self.get_response(request)


def _too_large(message: str) -> HttpResponse:
    response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    # Made before XFrameOptionsMiddleware runs: say it here, like every response.
    response["X-Frame-Options"] = "DENY"
    return response
