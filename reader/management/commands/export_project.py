"""Export a project as W3C Web Annotation JSON or as a Reader bundle."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reader import exports
from reader.models import Project
from reader.selectors.exports import annotations_for_export, bundle_contents, export_rows
from reader.views.exports import EXPORT_CHUNK, base_url


class Command(BaseCommand):
    help = "Export a project: --format w3c (Web Annotation collection) or bundle."

    def add_arguments(self, parser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--format", choices=["w3c", "bundle"], required=True)
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
        if accepted_only and format != "w3c":
            raise CommandError("--accepted-only applies to --format w3c: a bundle holds all.")
        chunks = self._w3c(project, accepted_only) if format == "w3c" else self._bundle(project)
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

    def _w3c(self, project: Project, accepted_only: bool):
        base = base_url(None)
        annotations = annotations_for_export(project=project)
        iri, label = f"{base}/p/{project.slug}/export/", f"Annotations in {project.name}"
        if accepted_only:
            annotations = annotations.filter(accepted=True)
            iri, label = f"{iri}?accepted=only", f"{label} (accepted only)"
        return exports.stream_collection(
            iri=iri,
            label=label,
            total=annotations.count(),
            items=exports.w3c_items(
                export_rows(annotations, sees_hidden=True, chunk_size=EXPORT_CHUNK),
                exports.Iris(base=base, slug=project.slug),
            ),
        )

    def _bundle(self, project: Project):
        return exports.stream_bundle(project, **bundle_contents(project=project), sees_hidden=True)
