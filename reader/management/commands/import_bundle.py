"""Import a Reader bundle: all of it, or nothing with the reason. Run by the server's
operator, it restores the bundle's members and authors as they were (an upload through the
site invites members and credits non-members' work to the uploader instead); it makes
accounts only when told to (--create-accounts)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reader.formats import BUNDLE
from reader.formats.reading import MAX_IMPORT_BYTES, parse_json
from reader.models import Project
from reader.services.imports import ImportRefused, import_run


def read_file(path: Path, *, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The file's bytes, refusing before reading anything larger than an import may be."""
    try:
        if path.stat().st_size > limit:
            raise CommandError(
                f"{path}: {path.stat().st_size:,} bytes; imports are limited to {limit:,} bytes."
            )
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"Cannot read {path}: {error.strerror}.") from error


class Command(BaseCommand):
    help = "Import a bundle made by export_project --format bundle (all or nothing)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--project", help="Slug of the project to import into (default: the bundle's own)."
        )
        parser.add_argument(
            "--create-accounts",
            action="store_true",
            help="Make the accounts the bundle names that do not exist here (without "
            "passwords), as when moving a whole instance; without it, such a bundle is refused.",
        )

    def handle(
        self, *args, file: Path, project: str | None, create_accounts: bool, **options
    ) -> None:
        target = None
        if project:
            target = Project.objects.filter(slug=project).first()
            if target is None:
                raise CommandError(f"No project with the slug “{project}”.")
        try:
            report = import_run(
                format=BUNDLE,
                data=parse_json(read_file(file)),
                actor=None,
                source=file.name,
                project=target,
                create_accounts=create_accounts,
            )
        except ImportRefused as refused:
            raise CommandError(f"{file}: {refused}") from refused
        assert report.project is not None  # a bundle import names its project
        self.stdout.write(f"{report.project.slug}: {report.summary()}")
