"""A large synthetic corpus for the benchmarks: 1,000 documents, 100,000 annotations,
5 events with 20 facets each, 10 users, in the demo project beside the seed corpus.

Rows go in with bulk_create: this builds data to measure pages against, it is not itself
a measurement (service calls would take an hour). One event gets 3,000 links from 30
sources, the figure the facet matrix target is about; the other four share 4,000 more.

    from corpus import build_corpus
    corpus = build_corpus(documents=1000, annotations=100_000)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from event_matrix import VALUE_TYPES, VALUES
from reader_page import annotation_row, synthetic_text

if TYPE_CHECKING:
    from reader.models import Document, Event, Project

USERS = 10
EVENTS = 5
FACETS_PER_EVENT = 20
MATRIX_SOURCES = 30
MATRIX_LINKS = 3_000
OTHER_LINKS = 4_000


@dataclass
class Corpus:
    project: Project
    users: list
    documents: list[Document]
    matrix_event: Event
    annotation_count: int
    link_count: int


def _documents(project, count: int, rng: random.Random) -> list:
    from reader import anchoring
    from reader.models import Document
    from reader.services.documents import outlet_get_or_create

    outlets = [outlet_get_or_create(project=project, name=f"Corpus outlet {n}") for n in range(40)]
    rows = []
    for n in range(count):
        # Each text differs (a project holds a text once) and runs 4-9 KB, like an article.
        text = f"Corpus article {n}.\n\n" + synthetic_text(rng.randint(4_000, 9_000))
        text = anchoring.normalise_text(text)
        rows.append(
            Document(
                project=project,
                outlet=outlets[n % len(outlets)],
                title=f"Corpus article {n}",
                text=text,
                content_hash=anchoring.content_hash(text),
            )
        )
    return Document.objects.bulk_create(rows, batch_size=200)


def _annotations(documents: list, users: list, count: int, rng: random.Random) -> list:
    from reader.models import Annotation
    from reader.vocabularies import Kind

    per_document = count // len(documents)
    rows = []
    for document in documents:
        length = len(document.text)
        for _ in range(per_document):
            start = rng.randrange(0, length - 200)
            rows.append(
                annotation_row(
                    document,
                    rng.choice(users),
                    start,
                    start + rng.randint(5, 180),
                    rng.choice(Kind.values),
                    note=rng.choice(["", "", "Check the ministry's figure.", "Compare Sputnik"]),
                )
            )
    return Annotation.objects.bulk_create(rows, batch_size=2_000)


def _events(project) -> list:
    from reader.services.events import event_create, facet_create

    events = []
    for n in range(EVENTS):
        event = event_create(project=project, name=f"Corpus event {n}")
        for m in range(FACETS_PER_EVENT):
            facet_create(event=event, name=f"Facet {m}", value_type=VALUE_TYPES[m % 5])
        events.append(event)
    return events


def _link(annotation, facet, rng: random.Random):
    from reader import values
    from reader.models import FacetLink

    value = rng.choice(VALUES[facet.value_type])
    parsed = values.parse_value(facet.value_type, value)
    return FacetLink(
        annotation=annotation,
        facet=facet,
        author=annotation.author,
        value=value,
        stance=rng.choice(["asserts", "reports", "denies"]),
        is_parsed=parsed is not None,
        value_low=parsed.low if parsed and parsed.low != float("-inf") else None,
        value_high=parsed.high if parsed and parsed.high != float("inf") else None,
    )


def _links(events: list, annotations: list, rng: random.Random) -> int:
    from reader.models import FacetLink

    by_document: dict[int, list] = {}
    for annotation in annotations:
        by_document.setdefault(annotation.document_id, []).append(annotation)
    documents = list(by_document)
    rows = []
    # The matrix event: 30 sources, 100 links each, over its 20 facets.
    matrix_facets = list(events[0].facets.all())
    for document_id in documents[:MATRIX_SOURCES]:
        for index, annotation in enumerate(by_document[document_id][:100]):
            rows.append(_link(annotation, matrix_facets[index % FACETS_PER_EVENT], rng))
    # The other events: links spread over the rest of the corpus.
    other_facets = [facet for event in events[1:] for facet in event.facets.all()]
    spare = [a for d in documents[MATRIX_SOURCES:] for a in by_document[d][:5]]
    for annotation in rng.sample(spare, min(OTHER_LINKS, len(spare))):
        rows.append(_link(annotation, rng.choice(other_facets), rng))
    FacetLink.objects.bulk_create(rows, batch_size=2_000)
    return len(rows)


def build_corpus(*, documents: int = 1_000, annotations: int = 100_000) -> Corpus:
    from django.contrib.auth import get_user_model

    from reader.models import Project
    from reader.services.projects import membership_set
    from reader.vocabularies import Role

    rng = random.Random(2020)
    project = Project.objects.get(slug="idlib-2020")
    users = [get_user_model().objects.create_user(f"analyst{n}") for n in range(USERS)]
    for user in users:
        membership_set(project=project, user=user, role=Role.ANNOTATOR)
    document_rows = _documents(project, documents, rng)
    annotation_rows = _annotations(document_rows, users, annotations, rng)
    events = _events(project)
    link_count = _links(events, annotation_rows, rng)
    return Corpus(
        project=project,
        users=users,
        documents=document_rows,
        matrix_event=events[0],
        annotation_count=len(annotation_rows),
        link_count=link_count,
    )
