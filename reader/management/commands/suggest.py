"""Compute a project's suggestions: every source whose suggestions are out of date (never
computed, or on an older text or other facets and names), in batches, with progress.
For cron or a deploy step; owners do the same from the matrix's "Compute suggestions"."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from reader.models import Project, SuggestionRun
from reader.services.suggestions import BATCH_SIZE, suggestions_compute_batch


class Command(BaseCommand):
    help = "Compute the suggestions of a project's sources that are out of date."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", required=True, help="The project's slug.")
        parser.add_argument(
            "--all", action="store_true", help="Compute every source again, even up-to-date ones."
        )
        parser.add_argument("--batch", type=int, default=BATCH_SIZE, help="Sources per batch.")

    def handle(self, *args, project: str, all: bool, batch: int, **options) -> None:
        found = Project.objects.filter(slug=project).first()
        if found is None:
            raise CommandError(f"No project with the slug “{project}”.")
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        if all:
            SuggestionRun.objects.filter(document__project=found).delete()
        before = -1
        while True:
            progress = suggestions_compute_batch(project=found, limit=batch)
            self.stdout.write(f"{progress.done} of {progress.total} sources up to date")
            if progress.finished:
                break
            if progress.done <= before:  # sources changing faster than they are computed
                raise CommandError("No progress: run the command again.")
            before = progress.done
