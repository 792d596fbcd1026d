"""A database that cannot be reached: 503 with Retry-After and a plain message, not 500."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from reader import dbfailure
from reader.models import Annotation
from reader.services.projects import api_token_create
from reader.views.api import annotations, containers
from tests.views.test_api import JSONLD, new_annotation

MIDDLEWARE = "reader.dbfailure.DatabaseUnavailableMiddleware"


def database_down(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


@pytest.fixture
def with_middleware(settings):
    if MIDDLEWARE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]


def test_api_write_while_the_database_is_down_is_503_with_retry_after(
    with_middleware, bob, document
):
    _, token = api_token_create(user=bob, name="test")
    url = reverse("reader:api_container", args=[document.project.slug, document.pk])
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(database_down):
        response = client.post(
            url,
            "{}",
            content_type="application/ld+json",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 503
    assert response["Retry-After"] == str(dbfailure.RETRY_AFTER_SECONDS)
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == dbfailure.MESSAGE
    assert "Connection refused" not in response.content.decode()


def test_a_page_while_the_database_is_down_is_503(with_middleware, client, bob, document):
    client.force_login(bob)
    client.raise_request_exception = False
    with connection.execute_wrapper(database_down):
        response = client.get(document.get_absolute_url())
    assert response.status_code == 503


@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_a_write_whose_answer_cannot_be_read_is_rolled_back(
    with_middleware, monkeypatch, bob, document, method
):
    """The database failing after the write but before the answer: the write must not
    stay, or a client told 503 "try again" would make it twice."""
    _, token = api_token_create(user=bob, name="test")
    auth = {"Authorization": f"Bearer {token}"}
    client = Client(raise_request_exception=False)
    url = reverse("reader:api_container", args=[document.project.slug, document.pk])
    created = client.post(
        url, json.dumps(new_annotation(document, "33 soldiers")), JSONLD, headers=auth
    )
    etag = created["ETag"]

    read_before_the_write = method == "PUT"  # a PUT reads the annotation for its ETag first
    real_representation = containers._representation

    def database_gone_after_the_write(pk, iris, access):
        nonlocal read_before_the_write
        if read_before_the_write:
            read_before_the_write = False
            return real_representation(pk, iris, access)
        raise OperationalError("server closed the connection unexpectedly")

    for module in (containers, annotations):  # the POST's, and the PUT's
        monkeypatch.setattr(module, "_representation", database_gone_after_the_write)
    # A POST without links builds its 201 from the create's instance, reading only the
    # stored forms: the database failing there too.
    monkeypatch.setattr(containers, "_created_representation", database_gone_after_the_write)
    body = json.dumps(new_annotation(document, "33 soldiers", kind="opinion", note="again"))
    if method == "POST":
        response = client.post(url, body, JSONLD, headers=auth)
    else:
        response = client.put(created["Location"], body, JSONLD, headers={**auth, "If-Match": etag})
    assert response.status_code == 503
    annotation = Annotation.objects.get()  # the first create only
    assert (annotation.kind, annotation.note, annotation.version) == ("claim", "", 1)


def test_other_errors_are_left_to_django(with_middleware):
    middleware = dbfailure.DatabaseUnavailableMiddleware(lambda request: None)
    assert middleware.process_exception(None, ValueError("a bug")) is None
