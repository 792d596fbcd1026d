"""Facet matrix and comparison.json server time: the demo event, and a synthetic event
with 30 sources, 20 facets and 3,000 linked annotations (values resolved to entities,
attributed to four origins). Runs against a throwaway SQLite database; prints p50 / p95,
size and queries per request for the matrix page and for comparison.json.

    .venv/bin/python bench/event_matrix.py [--runs 30]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reader_page import annotation_row, demo_member, measure, setup_django  # noqa: E402

VALUE_TYPES = ["number", "actor", "time", "place", "text"]
VALUES = {
    "number": ["33", "34", "at least 36", "50-70", "about 30", "dozens"],
    "actor": ["Syrian Air Force", "Russian Air Force", "Syrian government forces"],
    "time": ["about 5 p.m.", "10-11pm", "22:56"],
    "place": ["Balyun", "Behun", "al-Bara"],
    "text": ["yes", "no", "unclear"],
}
ATTRIBUTIONS = ["", "", "the Turkish Ministry of National Defense", "Hatay governor", "SOHR"]


def synthetic_event(owner, sources: int, facets: int, links: int):
    from reader import values
    from reader.models import Annotation, Entity, FacetLink, Project
    from reader.services.documents import document_create, outlet_get_or_create
    from reader.services.entities import attribution_resolve, entity_resolve
    from reader.services.events import event_create, facet_create
    from reader.values import ENTITY_ROLES
    from reader.vocabularies import Kind

    rng = random.Random(5)
    project = Project.objects.get(slug="idlib-2020")
    event = event_create(project=project, name="Bench event")
    facet_objects = [
        facet_create(event=event, name=f"Facet {n}", value_type=VALUE_TYPES[n % 5])
        for n in range(facets)
    ]
    outlets = [
        outlet_get_or_create(project=project, name=f"Bench outlet {n}")
        for n in range(sources // 3 + 1)
    ]
    text = "Officials said 33 soldiers were killed near Balyun at about 5 p.m. " * 300
    documents = [
        document_create(
            project=project,
            outlet=outlets[n % len(outlets)],
            title=f"Bench source {n}",
            text=f"Source {n}. {text}",
        )
        for n in range(sources)
    ]
    per_document = links // sources
    annotations = []
    for document in documents:
        for index in range(per_document):
            start = index * 60
            annotations.append(
                annotation_row(document, owner, start, start + 40, rng.choice(Kind.values))
            )
    annotations = Annotation.objects.bulk_create(annotations)
    rows, origins = [], []
    # Each distinct name resolved once, as the services would.
    entities: dict[tuple[str, str], Entity | None] = {}
    origins_of: dict[str, list[Entity]] = {}
    for index, annotation in enumerate(annotations):
        facet = facet_objects[index % facets]
        value = rng.choice(VALUES[facet.value_type])
        attribution = rng.choice(ATTRIBUTIONS)
        parsed = values.parse_value(facet.value_type, value)
        role = ENTITY_ROLES.get(facet.value_type)
        if role and (role, value) not in entities:
            entities[(role, value)] = entity_resolve(project=project, written=value, role=role)
        if attribution not in origins_of:
            origins_of[attribution] = attribution_resolve(project=project, written=attribution)
        rows.append(
            FacetLink(
                annotation=annotation,
                facet=facet,
                author=owner,
                value=value,
                attribution=attribution,
                stance=rng.choice(["asserts", "reports", "denies"]),
                is_parsed=parsed is not None,
                value_low=parsed.low if parsed else None,
                value_high=None if not parsed or parsed.high == float("inf") else parsed.high,
                entity=entities.get((role, value)) if role else None,
            )
        )
        origins.append(origins_of[attribution])
    # Bulk insert: the benchmark measures the page, not 3,000 service calls.
    created = FacetLink.objects.bulk_create(rows)
    through = FacetLink.attributed_to.through
    through.objects.bulk_create(
        through(facetlink_id=link.pk, entity_id=entity.pk)
        for link, entities in zip(created, origins, strict=True)
        for entity in entities
    )
    return event


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        setup_django(Path(folder) / "bench.sqlite3")
        from django.test import Client
        from django.urls import reverse

        from reader.models import Event, FacetLink
        from reader.vocabularies import Role

        owner, project = demo_member("bench", Role.OWNER)
        demo = Event.objects.get(project=project, name="2020 Balyun airstrikes")
        synthetic = synthetic_event(owner, sources=30, facets=20, links=3000)
        client = Client()
        client.force_login(owner)
        print(
            f"Facet matrix and comparison.json, Django test client, SQLite, {args.runs} runs each"
        )
        print(
            f"{'event':26} {'sources':>7} {'facets':>6} {'links':>6} {'p50 ms':>7} "
            f"{'p95 ms':>7} {'HTML KB':>8} {'queries':>7}"
        )
        for event in (demo, synthetic):
            links = FacetLink.objects.filter(facet__event=event)
            sources = links.values("annotation__document").distinct().count()
            json_url = reverse("reader:event_comparison_json", args=[project.slug, event.pk])
            for what, url in (("matrix", event.get_absolute_url()), ("json", json_url)):
                result = measure(client, url, args.runs)
                print(
                    f"{event.name[:19] + ' ' + what:26} {sources:>7} {event.facets.count():>6} "
                    f"{links.count():>6} {result['p50']:>7.1f} {result['p95']:>7.1f} "
                    f"{result['bytes'] / 1024:>8.0f} {result['queries']:>7}"
                )
        print(f"\nmeasured with: .venv/bin/python bench/event_matrix.py --runs {args.runs}")


if __name__ == "__main__":
    main()
