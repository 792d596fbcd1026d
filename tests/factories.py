"""Test data, written through the services so it keeps the same invariants as real data."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from reader.models import Annotation, Document, Membership, Outlet, Project
from reader.services.documents import annotation_create, document_create
from reader.vocabularies import Kind, OutletKind, Role

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password(PASSWORD)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    slug = factory.Sequence(lambda n: f"project-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    project = factory.SubFactory(ProjectFactory)
    role = Role.ANNOTATOR


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Outlet {n}")
    kind = OutletKind.NEWS


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    project = factory.SubFactory(ProjectFactory)
    outlet = factory.SubFactory(OutletFactory, project=factory.SelfAttribute("..project"))
    title = factory.Sequence(lambda n: f"Report {n}")
    text = factory.Sequence(
        lambda n: f"Report number {n}: 33 soldiers were killed, officials said.\n"
    )

    @classmethod
    def _create(cls, model_class, **kwargs) -> Document:
        return document_create(**kwargs)


class AnnotationFactory(factory.django.DjangoModelFactory):
    """Pass `quote` to annotate its first occurrence, or `start`/`end` directly."""

    class Meta:
        model = Annotation

    document = factory.SubFactory(DocumentFactory)
    author = factory.SubFactory(UserFactory)
    kind = Kind.CLAIM
    note = ""

    @classmethod
    def _create(cls, model_class, *, quote=None, start=None, end=None, **kwargs) -> Annotation:
        text = kwargs["document"].text
        if quote is not None:
            start = text.index(quote)
            end = start + len(quote)
        elif start is None:
            start, end = 0, min(len(text), 6)
        return annotation_create(start=start, end=end, **kwargs)
