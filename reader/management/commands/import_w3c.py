"""Import W3C Web Annotations onto one document: all of them, or none with the reasons."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reader.formats import W3C
from reader.formats.reading import parse_json
from reader.formats.w3c_collection import document_for
from reader.management.commands.import_bundle import read_file
from reader.models import Document
from reader.services.imports import ImportRefused, import_run, import_user

# Annotations whose creator is not a member of the project are credited to this
# (password-less) account, made once: an import never creates an account per creator.
IMPORT_USERNAME = "import"


class Command(BaseCommand):
    help = "Import W3C annotations (one, a list, a page or a collection) onto a document."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--document",
            type=int,
            help="The document's id; without it, the document the first annotation's target "
            "names (its IRI here, or the URL it came from).",
        )

    def handle(self, *args, file: Path, document: int | None, **options) -> None:
        try:
            data = parse_json(read_file(file))
        except ImportRefused as refused:
            raise CommandError(f"{file}: {refused}") from refused
        if document is None:
            target = document_for(data)
            if target is None:
                raise CommandError(
                    f"{file}: its target names no document here (by IRI or origin URL): "
                    "give --document."
                )
        else:
            target = Document.objects.select_related("project").filter(pk=document).first()
        if target is None:
            raise CommandError(f"No document with the id {document}.")
        try:
            report = import_run(
                format=W3C,
                data=data,
                actor=import_user(username=IMPORT_USERNAME),
                source=file.name,
                document=target,
                keep_authors=True,
            )
        except ImportRefused as refused:
            raise CommandError(f"{file}: {refused}") from refused
        self.stdout.write(f"{target.title}: {report.summary()}")
