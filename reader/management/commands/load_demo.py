"""Load the seed corpus and demo annotations into the configured database, idempotently."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reader import anchoring, services
from reader.models import Annotation, Document, Membership, Project

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


class Command(BaseCommand):
    help = "Load the seed corpus and demo annotations (running it again adds nothing)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        corpus = json.loads((FIXTURES / "corpus.json").read_text(encoding="utf-8"))
        project = self._project(corpus["project"])
        users = self._members(project, corpus["members"])
        outlets = {
            spec["name"]: services.outlet_get_or_create(project=project, **spec)
            for spec in corpus["outlets"]
        }
        documents = {}
        created_documents = 0
        for spec in corpus["documents"]:
            path = FIXTURES / spec["file"]
            text = anchoring.normalise_text(path.read_text(encoding="utf-8"))
            document = Document.objects.filter(
                project=project, content_hash=anchoring.content_hash(text)
            ).first()
            if document is None:
                published = spec["published"]
                document = services.document_create(
                    project=project,
                    outlet=outlets[spec["outlet"]],
                    title=spec["title"],
                    text=text,
                    published=datetime.date.fromisoformat(published) if published else None,
                    origin=path.name,
                    language=spec["language"],
                )
                created_documents += 1
            documents[path.name] = document

        annotations = json.loads((FIXTURES / "demo_annotations.json").read_text(encoding="utf-8"))
        created_annotations = sum(self._annotation(documents, users, spec) for spec in annotations)
        self.stdout.write(
            f"Demo project “{project.slug}”: {created_documents} documents and "
            f"{created_annotations} annotations added "
            f"({len(documents)} and {len(annotations)} in the fixtures)."
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

    def _annotation(self, documents: dict, users: dict, spec: dict) -> bool:
        document = documents[spec["file"]]
        start = document.text.find(spec["quote"])
        if start < 0:
            raise CommandError(f"Demo quote not found in {spec['file']}: {spec['quote']!r}")
        end = start + len(spec["quote"])
        author = users[spec["author"]]
        exists = Annotation.objects.filter(
            document=document, author=author, kind=spec["kind"], start=start, end=end
        ).exists()
        if exists:
            return False
        services.annotation_create(
            document=document,
            author=author,
            kind=spec["kind"],
            start=start,
            end=end,
            note=spec["note"],
            seen_quote=spec["quote"],
        )
        return True
