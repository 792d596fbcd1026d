"""comparison.json: an event's comparison as annotated JSON, for every facet its verdict,
groups, explanation and trails, with the annotation IRIs behind every value. It renders
the same `event_matrix` as the facet matrix page, so the page and the file always agree.
Its shape is the JSON Schema beside this module (comparison.schema.json); not one of the
project export FORMATS, since it describes one event's comparison, not annotations."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from reader.claims import Claim, Group
from reader.iris import Iris
from reader.quantities import Interval
from reader.selectors.events import EventMatrix, MatrixRow
from reader.values import spec_for
from reader.vocabularies import CountMode, Stance

SCHEMA_PATH = Path(__file__).with_name("comparison.schema.json")
SCHEMA_ID = "https://reader.invalid/schemas/comparison.schema.json"


def _end(value: float) -> float | None:
    return None if math.isinf(value) else value


def interval_json(interval: Interval | None, value_type: str) -> dict | None:
    """An interval with its unit and its ends as a person reads them, as the value type
    (reader/values.py) names and labels them."""
    if interval is None:
        return None
    spec = spec_for(value_type)

    def label(end: float) -> str | None:
        return None if math.isinf(end) else spec.end_label(end, interval.dated)

    return {
        "low": _end(interval.low),
        "high": _end(interval.high),
        "low_open": interval.low_open,
        "high_open": interval.high_open,
        "unit": (spec.dated_unit or spec.unit) if interval.dated else spec.unit,
        "low_label": label(interval.low),
        "high_label": label(interval.high),
    }


class _Renderer:
    def __init__(self, matrix: EventMatrix, iris: Iris) -> None:
        self.matrix = matrix
        self.iris = iris

    def _annotation_iri(self, link) -> str:
        return self.iris.annotation(link.document_id, link.annotation_slug or link.annotation_id)

    def claim(self, claim: Claim, value_type: str) -> dict[str, Any]:
        link = self.matrix.links[claim.id]
        by_id = self.matrix.tree.by_id
        return {
            "annotation": self._annotation_iri(link),
            "source": self.iris.document(link.document_id),
            "outlet": claim.source_name,
            "kind": link.kind,
            "value": link.value,
            "interval": interval_json(claim.interval, value_type),
            "entity": (
                {"id": claim.path[-1], "name": claim.names[-1], "within": list(claim.names[:-1])}
                if claim.path
                else None
            ),
            "attribution": link.attribution,
            "origins": [by_id[pk].name for pk in link.origins],
            "stance": link.stance,
            "claimed_at": link.claimed_at.isoformat() if link.claimed_at else None,
            "superseded": link.superseded,
            "superseded_pinned": link.superseded_pinned,
            "anchor_status": link.anchor_status,
        }

    def group(self, group: Group, value_type: str) -> dict[str, Any]:
        return {
            "label": group.label,
            "stance": "denies" if group.against else "affirms",
            "odd_one_out": group.odd,
            "interval": interval_json(group.interval, value_type),
            "entity": (
                {"id": group.entity, "name": group.entity_name}
                if group.entity is not None
                else None
            ),
            "contradicts": group.conflicts,
            "sources": group.sources,
            "voices": group.voices,
            "claims": [self.claim(claim, value_type) for claim in group.claims],
            "fits_several": [
                self._annotation_iri(self.matrix.links[claim.id]) for claim in group.spanning
            ],
        }

    def facet(self, row: MatrixRow) -> dict[str, Any]:
        facet, result = row.facet, row.comparison
        value_type = facet.value_type
        return {
            "id": self.iris.facet(facet.event_id, facet.pk),
            "name": facet.name,
            "value_type": value_type,
            "compare_level": facet.compare_level,
            "verdict": result.verdict,
            "grade": result.grade,
            "explanation": result.explanation,
            "groups": [self.group(group, value_type) for group in result.groups],
            "variants": [
                {
                    "merge": {"id": merge.source.pk, "name": merge.source.name},
                    "into": {"id": merge.target.pk, "name": merge.target.name},
                }
                for merge in row.merges
            ],
            "uncounted": [self.claim(claim, value_type) for claim in result.uncounted],
            "trails": [
                {
                    "source": self.iris.document(trail.source),
                    "outlet": trail.source_name,
                    "values": [self.claim(point.claim, value_type) for point in trail.points],
                }
                for trail in result.trails
            ],
        }


def comparison_document(matrix: EventMatrix, iris: Iris) -> dict[str, Any]:
    """The whole comparison of one event, as comparison.schema.json describes it."""
    event = matrix.event
    renderer = _Renderer(matrix, iris)
    verdicts = {verdict.value: count for verdict, count in matrix.verdict_counts}
    return {
        "$schema": SCHEMA_ID,
        "event": {
            "id": iris.event(event.pk),
            "name": event.name,
            "starts": event.starts.isoformat() if event.starts else None,
            "ends": event.ends.isoformat() if event.ends else None,
            "place": event.place,
        },
        "count": CountMode.ALL.value if matrix.count_all else CountMode.CLAIMS.value,
        "stances_against": sorted(str(s) for s in (Stance.DENIES, Stance.DISPUTES)),
        "summary": {
            "sources": len(matrix.documents),
            "facets": len(matrix.rows),
            "verdicts": verdicts,
        },
        "sources": [
            {
                "id": iris.document(document.pk),
                "title": document.title,
                "outlet": document.outlet.name,
                "published": document.published.isoformat() if document.published else None,
            }
            for document in matrix.documents
        ],
        "facets": [renderer.facet(row) for row in matrix.rows],
    }
