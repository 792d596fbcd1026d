"""Reads for the by-origin view: an event's comparison by who each claim is attributed to."""

from __future__ import annotations

from dataclasses import dataclass

from reader.models import Event, Facet
from reader.sanitize import isolate
from reader.selectors.events import EventMatrix, LinkView

UNATTRIBUTED = 0  # the column of claims an outlet makes without naming an origin


@dataclass(frozen=True)
class Origin:
    pk: int  # an entity, or UNATTRIBUTED
    name: str
    outlets: int  # how many outlets relay it, over the whole event


@dataclass(frozen=True)
class Relay:
    """One value an origin gave for a facet, and the outlets that relay it."""

    label: str
    outlets: list[str]
    links: list[LinkView]


@dataclass(frozen=True)
class OriginRow:
    facet: Facet
    cells: list[list[Relay]]  # one per origin
    origins: int  # how many origins say something
    outlets: int  # how many outlets relay them


@dataclass(frozen=True)
class OriginMatrix:
    event: Event
    origins: list[Origin]
    rows: list[OriginRow]


def origin_matrix(*, matrix: EventMatrix) -> OriginMatrix:
    """The same claims by origin: facets against who each claim is attributed to, each
    cell listing the outlets that relay that origin, so that four outlets repeating one
    ministry read as one origin. Counted, current claims only, as the comparison."""
    per_origin: dict[int, set[str]] = {}
    names: dict[int, str] = {UNATTRIBUTED: "No attribution (the outlet itself)"}
    cells: dict[tuple[int, int], dict[str, tuple[list[str], list[LinkView]]]] = {}
    for row in matrix.rows:
        labels = {
            claim.id: group.label for group in row.comparison.groups for claim in group.claims
        }
        for claim in row.comparison.counted:
            link = matrix.links[claim.id]
            for pk in link.origins or [UNATTRIBUTED]:
                if pk != UNATTRIBUTED:
                    names[pk] = matrix.tree.by_id[pk].name
                per_origin.setdefault(pk, set()).add(claim.source_name)
                label = labels.get(claim.id, claim.value)
                if claim.against:
                    label = f"denies {isolate(label)}"  # the value apart from the word
                outlets, relayed = cells.setdefault((row.facet.pk, pk), {}).setdefault(
                    label, ([], [])
                )
                if claim.source_name not in outlets:
                    outlets.append(claim.source_name)
                relayed.append(link)
    origins = sorted(
        (Origin(pk, names[pk], len(outlets)) for pk, outlets in per_origin.items()),
        key=lambda o: (o.pk == UNATTRIBUTED, -o.outlets, o.name),
    )
    rows = []
    for row in matrix.rows:
        row_cells = []
        speaking, relaying = 0, set()
        for origin in origins:
            relays = [
                Relay(label, outlets, relayed)
                for label, (outlets, relayed) in cells.get((row.facet.pk, origin.pk), {}).items()
            ]
            speaking += bool(relays) and origin.pk != UNATTRIBUTED
            relaying |= {outlet for relay in relays for outlet in relay.outlets}
            row_cells.append(relays)
        rows.append(OriginRow(row.facet, row_cells, speaking, len(relaying)))
    return OriginMatrix(event=matrix.event, origins=origins, rows=rows)
