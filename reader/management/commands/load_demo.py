"""Load the seed corpus, demo annotations, events and facet links, idempotently."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reader import anchoring, services
from reader.models import Annotation, Document, Event, Facet, FacetLink, Membership, Project

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def _fixture(name: str):
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


class Command(BaseCommand):
    help = "Load the seed corpus and demo data (running it again adds nothing)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        corpus = _fixture("corpus.json")
        project = self._project(corpus["project"])
        users = self._members(project, corpus["members"])
        outlets = {
            spec["name"]: services.outlet_get_or_create(project=project, **spec)
            for spec in corpus["outlets"]
        }
        documents, added_documents = {}, 0
        for spec in corpus["documents"]:
            path = FIXTURES / spec["file"]
            text = anchoring.normalise_text(path.read_text(encoding="utf-8"))
            document = Document.objects.filter(
                project=project, content_hash=anchoring.content_hash(text)
            ).first()
            if document is None:
                document = services.document_create(
                    project=project,
                    outlet=outlets[spec["outlet"]],
                    title=spec["title"],
                    text=text,
                    published=_date(spec["published"]),
                    origin=path.name,
                    language=spec["language"],
                )
                added_documents += 1
            documents[path.name] = document

        annotations = _fixture("demo_annotations.json")
        before = Annotation.objects.filter(document__project=project).count()
        for spec in annotations:
            self._annotation_at(documents, users, spec, exact_author=True)

        events = _fixture("demo_events.json")
        facets = self._facets(project, events["events"])
        default_event = events["events"][0]["name"]
        added_links = 0
        for spec in events["links"]:
            annotation = self._annotation_at(documents, users, spec)
            facet = facets[(spec.get("event", default_event), spec["facet"])]
            if FacetLink.objects.filter(annotation=annotation, facet=facet).exists():
                continue
            claimed_at = spec.get("claimed_at")
            services.facet_link_create(
                annotation=annotation,
                facet=facet,
                author=annotation.author,
                value=spec["value"],
                attribution=spec.get("attribution", ""),
                stance=spec["stance"],
                claimed_at=datetime.datetime.fromisoformat(claimed_at) if claimed_at else None,
            )
            added_links += 1
        added_annotations = Annotation.objects.filter(document__project=project).count() - before
        self.stdout.write(
            f"Demo project “{project.slug}”: {added_documents} documents, "
            f"{added_annotations} annotations and {added_links} facet links added."
        )

    def _project(self, spec: dict) -> Project:
        project, _ = Project.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "description": spec["description"]}
        )
        return project

    def _members(self, project: Project, specs: list[dict]) -> dict:
        users = {}
        for spec in specs:
            user, created = get_user_model().objects.get_or_create(username=spec["username"])
            if created:
                # Demo teammates exist to author demo annotations; nobody signs in as them.
                user.set_unusable_password()
                user.save()
            if not Membership.objects.filter(project=project, user=user).exists():
                services.membership_set(project=project, user=user, role=spec["role"])
            users[user.username] = user
        return users

    def _facets(self, project: Project, specs: list[dict]) -> dict[tuple[str, str], Facet]:
        facets = {}
        for spec in specs:
            event = Event.objects.filter(project=project, name=spec["name"]).first()
            if event is None:
                event = services.event_create(
                    project=project,
                    name=spec["name"],
                    description=spec["description"],
                    starts=_date(spec["starts"]),
                    ends=_date(spec["ends"]),
                    place=spec["place"],
                )
            for order, (name, value_type) in enumerate(spec["facets"], start=1):
                facet = Facet.objects.filter(event=event, name=name).first()
                if facet is None:
                    facet = services.facet_create(
                        event=event, name=name, value_type=value_type, order=order
                    )
                facets[(event.name, name)] = facet
        return facets

    def _annotation_at(
        self, documents: dict, users: dict, spec: dict, *, exact_author: bool = False
    ) -> Annotation:
        """The annotation on the spec's quote, created when missing. Links reuse whichever
        annotation marks the quote; demo annotations must match author and kind too."""
        document = documents[spec["file"]]
        start = document.text.find(spec["quote"])
        if start < 0:
            raise CommandError(f"Demo quote not found in {spec['file']}: {spec['quote']!r}")
        end = start + len(spec["quote"])
        existing = Annotation.objects.filter(document=document, start=start, end=end)
        if exact_author:
            existing = existing.filter(author=users[spec["author"]], kind=spec["kind"])
        if annotation := existing.first():
            return annotation
        return services.annotation_create(
            document=document,
            author=users[spec["author"]],
            kind=spec["kind"],
            start=start,
            end=end,
            note=spec.get("note", ""),
            seen_quote=spec["quote"],
        )
