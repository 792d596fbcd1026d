"""Rebuild the project search's entries from the rows (after data was written around the
services, e.g. by bench/corpus.py): `manage.py search_rebuild [--project SLUG]`."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from reader.models import Project
from reader.services.search import search_rebuild


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", help="the project's slug (default: every project)")

    def handle(self, *args, project: str | None = None, **options) -> None:
        project_id = Project.objects.get(slug=project).pk if project else None
        with transaction.atomic():
            count = search_rebuild(project_id=project_id)
        self.stdout.write(f"{count:,} search entries written.")
