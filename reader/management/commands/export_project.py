"""Export a project in one of the formats (W3C Web Annotation JSON, or a Reader bundle)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reader.formats import FORMATS, W3C, export_compose
from reader.iris import base_url
from reader.models import Project


class Command(BaseCommand):
    help = "Export a project: --format w3c (Web Annotation collection) or bundle."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--format", choices=list(FORMATS), required=True)
        parser.add_argument("--output", type=Path, help="File to write (default: stdout).")
        parser.add_argument(
            "--accepted-only",
            action="store_true",
            help="W3C only: just the annotations an owner accepted where annotators disagreed.",
        )

    def handle(
        self, *args, slug: str, format: str, output: Path | None, accepted_only: bool, **options
    ) -> None:
        project = Project.objects.filter(slug=slug).first()
        if project is None:
            raise CommandError(f"No project with the slug “{slug}”.")
        if accepted_only and format != W3C.name:
            raise CommandError("--accepted-only applies to --format w3c: a bundle holds all.")
        export = export_compose(
            format=FORMATS[format],
            project=project,
            base=base_url(None),
            sees_hidden=True,
            accepted_only=accepted_only,
        )
        chunks = export.stream()
        if output is None:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            self.stdout.write("")
            return
        try:
            with output.open("w", encoding="utf-8") as target:
                for chunk in chunks:
                    target.write(chunk)
                target.write("\n")
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from error
