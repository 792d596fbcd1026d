"""Load the demo project (the seed corpus, its annotations, events and facet links), a
bundle in fixtures/, idempotently: running it again adds nothing."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from reader.formats import BUNDLE
from reader.formats.reading import parse_json
from reader.services.imports import ImportRefused, import_run

DEMO_BUNDLE = Path(settings.BASE_DIR) / "fixtures" / "idlib-2020.bundle.json"


class Command(BaseCommand):
    help = "Load the seed corpus and demo data (running it again adds nothing)."

    def handle(self, *args, **options) -> None:
        try:
            report = import_run(
                format=BUNDLE,
                data=parse_json(DEMO_BUNDLE.read_bytes()),
                actor=None,
                source=DEMO_BUNDLE.name,
                create_accounts=True,  # the demo's annotators
            )
        except ImportRefused as refused:
            raise CommandError(f"{DEMO_BUNDLE.name}: {refused}") from refused
        added = report.created
        assert report.project is not None  # a bundle import names its project
        self.stdout.write(
            f"Demo project “{report.project.slug}”: {added['documents']} documents, "
            f"{added['annotations']} annotations and {added['facet links']} facet links added."
        )
