"""The database itself refuses what the services would never write."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from reader.models import Annotation, Membership, Outlet
from tests.factories import AnnotationFactory


def _insert_fails(model, **fields) -> bool:
    try:
        with transaction.atomic():
            model.objects.create(**fields)
    except IntegrityError:
        return True
    return False


def test_annotation_kind_is_checked_by_the_database(document, bob):
    assert _insert_fails(
        Annotation, document=document, author=bob, kind="rumour", start=0, end=3, quote_exact="Cas"
    )


@pytest.mark.parametrize(("start", "end"), [(3, 3), (5, 2)])
def test_annotation_span_is_checked_by_the_database(document, bob, start, end):
    assert _insert_fails(
        Annotation, document=document, author=bob, kind="claim", start=start, end=end
    )


def test_membership_role_is_checked_by_the_database(project, mallory):
    assert _insert_fails(Membership, project=project, user=mallory, role="admin")


def test_outlet_kind_is_checked_by_the_database(project):
    assert _insert_fails(Outlet, project=project, name="X", kind="tabloid")


def test_annotation_str_names_kind_and_quote(document, bob):
    annotation = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    assert str(annotation) == "Claim: “33 soldiers”"


def test_a_project_deletes_with_everything_in_it_but_an_outlet_alone_does_not(document, bob):
    from django.db.models import RestrictedError

    from reader.models import Document, Project

    AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    with pytest.raises(RestrictedError):
        document.outlet.delete()
    Project.objects.filter(pk=document.project_id).delete()
    assert not Document.objects.exists() and not Annotation.objects.exists()
