"""A database that cannot be reached answers 503 with Retry-After, not 500.

While PostgreSQL restarts (or fails over, or the network to it is cut), queries raise
Django's OperationalError or InterfaceError, and so does SQLite when a lock outlasts its
busy timeout. Django would answer a bare 500, which says "a bug" to people and nothing
useful to API clients; the truthful answer is 503 with Retry-After: unavailable for a
moment, try again. The error is still logged. Django reconnects by itself once the database
is back (CONN_HEALTH_CHECKS), so the first request after the outage succeeds.

A write whose transaction was cut off is rolled back (the API builds its answer inside the
transaction for that reason). Only a cut during the commit itself leaves the outcome
unknown, which no server can tell; an API client that retries a create should look for it
first (bench/annotators.py does).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
MESSAGE = "The database is unavailable for a moment. Please try again in a few seconds."


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("Database unavailable: %s %s", request.method, request.path, exc_info=True)
        response = HttpResponse(MESSAGE, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
