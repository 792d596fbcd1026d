"""fixtures/suggestions-gold.json: every span is in its seed, and every value reads as its
facet's type; the engine finds most of them (bench/suggestions.py has the full figures)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from reader import anchoring, entities, values
from reader.suggestions.candidates import FacetSpec, same_value, suggest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
GOLD = json.loads((FIXTURES / "suggestions-gold.json").read_text(encoding="utf-8"))
BUNDLE = json.loads((FIXTURES / "idlib-2020.bundle.json").read_text(encoding="utf-8"))
TYPES = {facet["name"]: facet["value_type"] for facet in GOLD["facets"]}
PUBLISHED = {
    d["origin"]: datetime.date.fromisoformat(d["published"]) if d["published"] else None
    for d in BUNDLE["documents"]
}


def text_of(source: str) -> str:
    return anchoring.normalise_text((FIXTURES / "seeds" / source).read_text(encoding="utf-8"))


def test_every_gold_span_is_in_its_seed_and_reads_as_its_type():
    assert {span["source"] for span in GOLD["spans"]} == {
        p.name for p in (FIXTURES / "seeds").glob("*.txt") if not p.name.startswith("002")
    }
    for span in GOLD["spans"]:
        text = text_of(span["source"])
        assert text.count(span["quote"]) >= span.get("occurrence", 1), span
        value_type = TYPES[span["facet"]]
        if value_type in ("actor", "place"):
            assert entities.read_name(span["value"], value_type) is not None, span
        else:
            base = PUBLISHED[span["source"]]
            assert values.parse_value(value_type, span["value"], base=base) is not None, span


def test_the_engine_finds_nine_in_ten_gold_numbers_and_times():
    facets = [FacetSpec(n, f["name"], f["value_type"]) for n, f in enumerate(GOLD["facets"])]
    by_name = {facet.name: facet for facet in facets}
    found = total = 0
    for source in {span["source"] for span in GOLD["spans"]}:
        text, published = text_of(source), PUBLISHED[source]
        candidates = suggest(text=text, published=published, facets=facets, names=[])
        for span in GOLD["spans"]:
            facet = by_name[span["facet"]]
            if span["source"] != source or facet.value_type not in ("number", "time"):
                continue
            total += 1
            start = -1
            for _ in range(span.get("occurrence", 1)):
                start = text.index(span["quote"], start + 1)
            end = start + len(span["quote"])
            found += any(
                c.facet_id == facet.id
                and c.start < end
                and start < c.end
                and same_value(facet.value_type, c.value, span["value"], published=published)
                for c in candidates
            )
    assert total == 27
    assert found / total >= 0.9
