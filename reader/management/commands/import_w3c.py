"""Import W3C Web Annotations onto one document: all of them, or none with the reasons."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from reader import imports
from reader.management.commands.import_bundle import read_file
from reader.models import Document

# Annotations whose creator is not a member of the project are credited to this
# (password-less) account, made once: an import never creates an account per creator.
IMPORT_USERNAME = "import"


class Command(BaseCommand):
    help = "Import W3C annotations (one, a list, a page or a collection) onto a document."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--document", type=int, required=True, help="The document's id.")

    def handle(self, *args, file: Path, document: int, **options) -> None:
        target = Document.objects.select_related("project").filter(pk=document).first()
        if target is None:
            raise CommandError(f"No document with the id {document}.")
        importer, created = get_user_model().objects.get_or_create(username=IMPORT_USERNAME)
        if created:
            importer.set_unusable_password()
            importer.save()
        try:
            report = imports.w3c_import(
                data=imports.parse_json(read_file(file)),
                document=target,
                default_author=importer,
                keep_authors=True,
            )
        except imports.ImportRefused as refused:
            raise CommandError(f"{file}: {refused}") from refused
        self.stdout.write(f"{target.title}: {report.summary()}")
