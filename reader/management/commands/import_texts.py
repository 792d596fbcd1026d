"""Import a folder of source files (.txt, .md, .html, .pdf, .docx, and .zip files of them) as
documents of a project."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reader.formats.texts import texts_import
from reader.models import Project
from reader.services.imports import ImportRefused

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import every .txt, .md, .html, .pdf and .docx file of a folder, and those in its "
        ".zip files, into a project (all or none)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--project", required=True, help="The project's slug.")
        parser.add_argument("--outlet", default="Imported texts", help="Outlet for the texts.")

    def handle(self, *args, folder: Path, project: str, outlet: str, **options) -> None:
        target = Project.objects.filter(slug=project).first()
        if target is None:
            raise CommandError(f"No project with the slug “{project}”.")
        try:
            report = texts_import(
                folder=folder, project=target, outlet_name=outlet, progress=self._progress
            )
        except ImportRefused as refused:
            raise CommandError(f"{folder}: {refused}") from refused
        self.stderr.write("")
        self.stdout.write(f"{target.slug}: {report.summary()}")

    def _progress(self, done: int, total: int, name: str) -> None:
        filled = BAR_WIDTH * done // total
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        self.stderr.write(f"\r[{bar}] {done}/{total} {name[:40]:40}", ending="")
