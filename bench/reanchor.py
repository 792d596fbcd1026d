"""Re-anchoring figures: exact / moved / fuzzy / orphaned on the test captures, and the
time to re-anchor 2,000 annotations between two 1 MB versions (anchoring.reanchor alone,
then version_create with the database writes on a throwaway SQLite database).

    .venv/bin/python bench/reanchor.py
"""

from __future__ import annotations

import os
import random
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reader import anchoring  # noqa: E402

SEEDS = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))
SEED = (ROOT / "fixtures" / "seeds" / "003_c1ad7d3c02355b4b.txt").read_text(encoding="utf-8")
CAPTURE = (ROOT / "tests" / "captures" / "live_updates_v2.txt").read_text(encoding="utf-8")
MEGABYTE = 1_000_000
ANNOTATIONS = 2_000


def anchors_on(text: str, count: int, rng: random.Random) -> list[anchoring.Anchor]:
    """`count` annotations on sentences (or pieces of them) of `text`, as readers make them."""
    sentences = [m.span() for m in re.finditer(r"[^\n.!?]{20,400}[.!?”]?", text)]
    anchors = []
    for start, end in rng.sample(sentences, min(count, len(sentences))):
        if rng.random() < 0.5:  # a phrase inside the sentence
            start = rng.randrange(start, max(start + 1, end - 12))
            end = min(end, start + rng.randrange(8, 60))
        quote = anchoring.quote_for(text, start, end)
        anchors.append(anchoring.Anchor(start, end, quote.exact, quote.prefix, quote.suffix))
    return sorted(anchors, key=lambda a: a.start)


def megabyte_versions(rng: random.Random) -> tuple[str, str]:
    """Version 1: the seeds' paragraphs, numbered, to 1 MB. Version 2: live-blog entries
    added at the top, one paragraph in 50 reworded (a few words changed), one in 200 gone."""
    paragraphs = [
        p for seed in SEEDS for p in seed.read_text(encoding="utf-8").split("\n\n") if p.strip()
    ]
    old, size, number = [], 0, 0
    while size < MEGABYTE:
        number += 1
        paragraph = f"{number}. {rng.choice(paragraphs)}"
        old.append(paragraph)
        size += len(paragraph.encode("utf-8")) + 2
    new = [f"  • {h:02d}:00\n\nUpdate {h}: the toll rose again, officials said." for h in range(20)]
    for paragraph in old:
        roll = rng.random()
        if roll < 0.005:
            continue
        if roll < 0.025:
            words = paragraph.split(" ")
            for _ in range(max(1, len(words) // 8)):
                words[rng.randrange(len(words))] = rng.choice(["reportedly", "at least", "some"])
            paragraph = " ".join(words)
        new.append(paragraph)
    return "\n\n".join(old), "\n\n".join(new)


def counts(landings: list[anchoring.Landing]) -> str:
    found = Counter(landing.status for landing in landings)
    statuses = (anchoring.EXACT, anchoring.MOVED, anchoring.FUZZY, anchoring.ORPHANED)
    return " / ".join(f"{found[status]} {status}" for status in statuses)


def timed(old: str, new: str, anchors, runs: int) -> tuple[list[float], list]:
    times, landings = [], []
    for _ in range(runs):
        begun = time.perf_counter()
        landings = anchoring.reanchor(old, new, anchors)
        times.append(time.perf_counter() - begun)
    return times, landings


def database_run(old: str, new: str, anchors) -> float:
    """version_create on a throwaway SQLite database: the ladder and every write."""
    import tempfile

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reader.settings")
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from reader.models import Annotation, Project
    from reader.services.documents import document_create, outlet_get_or_create
    from reader.services.versions import version_create

    user = get_user_model().objects.create(username="bench")
    project = Project.objects.create(name="Bench", slug="bench")
    outlet = outlet_get_or_create(project=project, name="Wire")
    document = document_create(project=project, outlet=outlet, title="1 MB", text=old)
    Annotation.objects.bulk_create(
        Annotation(
            document=document,
            author=user,
            kind="claim",
            start=a.start,
            end=a.end,
            quote_exact=a.exact,
            quote_prefix=a.prefix,
            quote_suffix=a.suffix,
        )
        for a in anchors
    )
    begun = time.perf_counter()
    version_create(document=document, text=new, added_by=user)
    return time.perf_counter() - begun


def main() -> None:
    rng = random.Random(16)
    print("Re-anchoring (bench/reanchor.py)")
    live = anchors_on(SEED, 60, rng)
    print(f"live-updates seed → tests/captures/live_updates_v2.txt, {len(live)} annotations:")
    print(f"  {counts(anchoring.reanchor(SEED, CAPTURE, live))}")
    different = (ROOT / "fixtures" / "seeds" / "000_e88d6bf266211dad.txt").read_text(
        encoding="utf-8"
    )
    print(f"live-updates seed → an entirely different text (seed 000), {len(live)} annotations:")
    print(f"  {counts(anchoring.reanchor(SEED, different, live))}")

    old, new = megabyte_versions(rng)
    anchors = anchors_on(old, ANNOTATIONS, rng)
    print(
        f"1 MB → 1 MB ({len(old.encode()):,} → {len(new.encode()):,} bytes), "
        f"{len(anchors):,} annotations:"
    )
    times, landings = timed(old, new, anchors, runs=5)
    print(f"  {counts(landings)}")
    print(
        f"  anchoring.reanchor: median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s over {len(times)} runs"
    )
    print(f"  version_create with the writes (SQLite): {database_run(old, new, anchors):.2f} s")
    shuffled = list(new)
    rng.shuffle(shuffled)
    times, landings = timed(old, "".join(shuffled), anchors, runs=1)
    print(f"1 MB → 1 MB of the same characters shuffled (hostile), {len(anchors):,} annotations:")
    print(f"  {counts(landings)} in {times[0]:.2f} s")


if __name__ == "__main__":
    main()
