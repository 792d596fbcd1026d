"""Suggestion figures (issue 13): precision and recall of reader/suggestions against the
gold spans of fixtures/suggestions-gold.json, per facet type, and the time to suggest for
the five seeds, for 1,000 documents made from them and for hostile megabytes.

    .venv/bin/python bench/suggestions.py [--runs 5] [--documents 1000]

A candidate matches a gold span when it is for the same facet, their spans overlap and
their values are the same once parsed (reader.suggestions.candidates.same_value). Two
settings of the project's names: every entity and alias of the demo bundle ("project
names"), and none at all ("no names": places and actors only from the country table and
the cue words); and the project's names with the demo bundle's links to the same facet
in the four other sources as the facets' examples (cue words learnt from them).
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import re
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader import anchoring, values  # noqa: E402
from reader.suggestions.candidates import (  # noqa: E402
    FacetSpec,
    KnownName,
    same_value,
    suggest,
)
from reader.suggestions.prefill import prefill  # noqa: E402

FIXTURES = ROOT / "fixtures"
GOLD = json.loads((FIXTURES / "suggestions-gold.json").read_text(encoding="utf-8"))
BUNDLE = json.loads((FIXTURES / "idlib-2020.bundle.json").read_text(encoding="utf-8"))
FACETS = [
    FacetSpec(number, facet["name"], facet["value_type"])
    for number, facet in enumerate(GOLD["facets"], start=1)
]
BY_NAME = {facet.name: facet for facet in FACETS}
TYPE_GROUPS = {
    "number": "numbers",
    "time": "times",
    "date": "dates",
    "place": "places",
    "actor": "actors",
}


def seeds() -> dict[str, tuple[str, datetime.date | None]]:
    published = {d["origin"]: d["published"] for d in BUNDLE["documents"]}
    found = {}
    for path in sorted((FIXTURES / "seeds").glob("*.txt")):
        day = published.get(path.name)
        text = anchoring.normalise_text(path.read_text(encoding="utf-8"))
        found[path.name] = (text, datetime.date.fromisoformat(day) if day else None)
    return found


def project_names() -> list[KnownName]:
    """The demo bundle's entities by every alias, each with the entities that contain it."""
    numbers = {entity["key"]: n for n, entity in enumerate(BUNDLE["entities"], start=1)}
    parents = {entity["key"]: entity["parent"] for entity in BUNDLE["entities"]}

    def within(key: str) -> tuple[int, ...]:
        chain: list[int] = []
        parent: str | None = parents.get(key)
        while parent and numbers[parent] not in chain:
            chain.append(numbers[parent])
            parent = parents.get(parent)
        return tuple(chain)

    return [
        KnownName(alias["name"], numbers[entity["key"]], entity["kind"], within(entity["key"]))
        for entity in BUNDLE["entities"]
        for alias in entity["aliases"]
    ]


def gold_spans(texts) -> list[dict]:
    spans = []
    for span in GOLD["spans"]:
        text = texts[span["source"]][0]
        start = -1
        for _ in range(span.get("occurrence", 1)):
            start = text.index(span["quote"], start + 1)
        spans.append({**span, "start": start, "end": start + len(span["quote"])})
    return spans


def examples_elsewhere(source: str) -> list[FacetSpec]:
    """The facets with the quotes the demo bundle links to them in the other sources (the
    main event's facets, by name): what analysts taught before this source came in."""
    origin = {d["key"]: d["origin"] for d in BUNDLE["documents"]}
    names = {f["key"]: f["name"] for f in BUNDLE["facets"] if f["event"] == "e2"}
    quotes: dict[str, list[str]] = defaultdict(list)
    for annotation in BUNDLE["annotations"]:
        if origin[annotation["document"]] == source:
            continue
        for link in annotation["links"]:
            if link["facet"] in names:
                quotes[names[link["facet"]]].append(annotation["quote"]["exact"])
    return [FacetSpec(f.id, f.name, f.value_type, tuple(quotes.get(f.name, ()))) for f in FACETS]


def measure(
    names: list[KnownName], show: str = "", *, taught: bool = False
) -> dict[str, list[int]]:
    """gold, candidates, candidates that match, gold found: per facet type. With `show`
    (a facet type's group), print that group's wrong candidates and missed spans."""
    texts = seeds()
    gold = gold_spans(texts)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for source, (text, published) in texts.items():
        facets = examples_elsewhere(source) if taught else FACETS
        candidates = suggest(text=text, published=published, facets=facets, names=names)
        mine = [span for span in gold if span["source"] == source]
        found: set[int] = set()
        for candidate in candidates:
            facet = next(f for f in FACETS if f.id == candidate.facet_id)
            group = TYPE_GROUPS[facet.value_type]
            counts[group][1] += 1
            matched = False
            for number, span in enumerate(mine):
                if (
                    BY_NAME[span["facet"]].id == facet.id
                    and candidate.start < span["end"]
                    and span["start"] < candidate.end
                    and same_value(
                        facet.value_type, candidate.value, span["value"], published=published
                    )
                ):
                    matched = True
                    found.add(number)
            counts[group][2] += matched
            if show == group and not matched:
                where = text[candidate.start : candidate.end]
                print(f"  wrong {source[:3]} {facet.name}: {candidate.value!r} in {where!r}")
        for number, span in enumerate(mine):
            group = TYPE_GROUPS[BY_NAME[span["facet"]].value_type]
            counts[group][0] += 1
            counts[group][3] += number in found
            if show == group and number not in found:
                print(
                    f"  missed {source[:3]} {span['facet']}: {span['value']!r} in {span['quote']!r}"
                )
    return counts


def print_table(title: str, counts: dict[str, list[int]]) -> None:
    print(f"\n{title}\n")
    print("| facet type | gold | proposed | precision | recall |")
    print("|---|---:|---:|---:|---:|")
    total = [0, 0, 0, 0]
    for group in TYPE_GROUPS.values():
        gold, proposed, right, found = counts.get(group, [0, 0, 0, 0])
        total = [a + b for a, b in zip(total, (gold, proposed, right, found), strict=True)]
        print(
            f"| {group} | {gold} | {proposed} | {right / max(1, proposed):.2f} | "
            f"{found / max(1, gold):.2f} |"
        )
    gold, proposed, right, found = total
    print(
        f"| all | {gold} | {proposed} | {right / max(1, proposed):.2f} | "
        f"{found / max(1, gold):.2f} |"
    )


def prefills(names: list[KnownName]) -> None:
    """The link form's pre-fill against the value the analyst linked, for every link of
    the demo bundle: prefill() by the facet's type, and before it values.suggested_value
    with "number" whatever the facet."""
    facets = {f["key"]: f for f in BUNDLE["facets"]}
    published = {d["key"]: d["published"] for d in BUNDLE["documents"]}
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for annotation in BUNDLE["annotations"]:
        quote = annotation["quote"]["exact"]
        day = published[annotation["document"]]
        base = datetime.date.fromisoformat(day) if day else None
        for link in annotation["links"]:
            facet = facets[link["facet"]]
            value_type = facet["value_type"]
            new = prefill(
                value_type=value_type,
                quote=quote,
                facet_name=facet["name"],
                names=names,
                published=base,
            )
            old = values.suggested_value("number", quote)
            row = counts[value_type]
            row[0] += 1
            row[1] += same_value(value_type, new, link["value"], published=base)
            row[2] += same_value(value_type, old, link["value"], published=base)
    print("\nLink form pre-fill = the analyst's value, the demo bundle's links\n")
    print("| facet type | links | prefill() | before (a number, any facet) |")
    print("|---|---:|---:|---:|")
    for value_type, (total, new_right, old_right) in sorted(counts.items()):
        print(f"| {value_type} | {total} | {new_right} | {old_right} |")


def synthetic(count: int, rng: random.Random) -> list[tuple[str, datetime.date | None]]:
    """Documents made of 8-30 paragraphs of the seeds, shuffled, with their counts changed."""
    paragraphs = [p for text, _ in seeds().values() for p in text.split("\n\n") if p.strip()]
    documents: list[tuple[str, datetime.date | None]] = []
    for _ in range(count):
        chosen = rng.sample(paragraphs, rng.randint(8, min(30, len(paragraphs))))
        text = "\n\n".join(chosen)
        text = re.sub(r"\b\d{1,2}\b(?! ?[ap]\.?m)", lambda m: str(rng.randint(2, 99)), text)
        documents.append((text, datetime.date(2020, 2, rng.randint(20, 29))))
    return documents


def seconds(documents, names, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        for text, published in documents:
            suggest(text=text, published=published, facets=FACETS, names=names)
        times.append(time.perf_counter() - began)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--show", choices=TYPE_GROUPS.values(), help="list errors of a type")
    arguments = parser.parse_args()
    if arguments.show:
        measure(project_names(), arguments.show)
        print("-- no names")
        measure([], arguments.show)
        return
    names = project_names()
    print(
        f"    .venv/bin/python bench/suggestions.py --runs {arguments.runs} "
        f"--documents {arguments.documents}"
    )
    print_table(
        f"Project names ({len(names)} names of {len(BUNDLE['entities'])} entities)", measure(names)
    )
    print_table("No names", measure([]))
    print_table(
        "Project names, and the demo's links in the other sources as examples",
        measure(names, taught=True),
    )

    prefills(names)

    five = list(seeds().values())
    size = sum(len(text) for text, _ in five)
    runs = seconds(five, names, arguments.runs)
    print(
        f"\nfive seeds ({size:,} characters): median {statistics.median(runs) * 1000:.0f} ms"
        f" of {arguments.runs} runs"
    )
    many = synthetic(arguments.documents, random.Random(13))
    size = sum(len(text) for text, _ in many)
    [run] = seconds(many, names, 1)
    print(
        f"{len(many):,} documents from the seeds ({size / 1e6:.1f} M characters): "
        f"{run:.1f} s, {run / len(many) * 1000:.1f} ms a document, "
        f"{size / run / 1e3:.0f} K characters/s"
    )
    for label, text in [
        ("1 MB of digits", "7" * 1_000_000),
        ("1 MB of digits and spaces", "12 " * 333_333),
        ("1 MB of nested brackets", "(" * 500_000 + ")" * 500_000),
        ("1 MB of Arabic, Hebrew and emoji", ("قتل 33 جنديا في بليون " + "נהרגו 33 ✈️💥 ") * 25_000),
        ("1 MB of the seeds", (five[3][0] + "\n\n") * (1_000_000 // len(five[3][0]))),
    ]:
        [run] = seconds([(text, None)], names, 1)
        print(f"{label}: {run:.2f} s")


if __name__ == "__main__":
    main()
