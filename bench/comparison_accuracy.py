"""False alarms and misses of the facet matrix on the natural-wording fixture
(tests/natural.py: the five seed texts linked in their own words), against the verdict an
analyst gives each facet. Runs against a throwaway SQLite database.

    .venv/bin/python bench/comparison_accuracy.py            # this code
    .venv/bin/python bench/comparison_accuracy.py --code DIR # another checkout's reader/

With --code, DIR's `reader` package is imported instead (an older release, say, from
`git archive <commit> reader | tar -x -C DIR`): the fixture uses only long-standing
services, and its date facet becomes a text facet where the date value type is missing.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, help="a folder holding the reader package to test")
    args = parser.parse_args()
    code = args.code.resolve() if args.code else ROOT
    sys.path.insert(0, str(code))
    with tempfile.TemporaryDirectory() as folder:
        os.environ["DJANGO_SETTINGS_MODULE"] = "reader.settings"
        os.environ["READER_SQLITE_PATH"] = str(Path(folder) / "accuracy.sqlite3")
        os.environ["READER_DEBUG"] = "0"
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.core.management import call_command

        from reader.models import Project
        from reader.selectors.events import event_matrix
        from reader.vocabularies import ValueType

        call_command("migrate", verbosity=0)
        spec = importlib.util.spec_from_file_location("natural", ROOT / "tests" / "natural.py")
        assert spec and spec.loader
        natural = importlib.util.module_from_spec(spec)
        sys.modules["natural"] = natural
        spec.loader.exec_module(natural)
        author = get_user_model().objects.create_user("analyst")
        project = Project.objects.create(name="Natural wordings", slug="natural")
        date_type = "date" if "date" in ValueType.values else "text"
        events = natural.build(project=project, author=author, date_type=date_type)
        false_alarms, misses, right = [], [], 0
        for name, event in events.items():
            for row in event_matrix(event=event).rows:
                expected = natural.ANALYST[(name, row.facet.name)]
                if row.disputed and not expected:
                    false_alarms.append(f"{name} › {row.facet.name}")
                elif expected and not row.disputed:
                    misses.append(f"{name} › {row.facet.name}")
                else:
                    right += 1
        total = len(natural.ANALYST)
        print(f"code: {code}")
        print(f"facets: {total}, as the analyst: {right}")
        print(f"false alarms: {len(false_alarms)} {false_alarms}")
        print(f"misses: {len(misses)} {misses}")


if __name__ == "__main__":
    main()
