"""Whether a production secret key is fit to sign sessions: not one Django's deployment
check calls insecure, and not one anybody can read in the source tree (the development key
is committed in settings.py; a key pasted into a README or a test is no secret either).

Plain Python, no Django: the settings module calls it before Django is set up.
"""

from __future__ import annotations

from pathlib import Path

MIN_LENGTH = 50
MIN_UNIQUE_CHARACTERS = 5
INSECURE_PREFIX = "django-insecure-"
# The files that hold the project's own text; a local key file (.secret_key) has none of
# these endings and is never read.
SOURCE_SUFFIXES = {
    ".py", ".md", ".toml", ".txt", ".cfg", ".ini", ".json", ".jsonld", ".html", ".js",
    ".css", ".yml", ".yaml", ".sh", ".env", ".example",
}  # fmt: skip
SOURCE_NAMES = {"Makefile", "run"}
SKIPPED_FOLDERS = {".git", ".venv", "venv", "node_modules", "staticfiles", "__pycache__"}
LARGEST_FILE = 20 * 1024 * 1024


def _source_files(tree: Path):
    for path in tree.iterdir():
        if path.is_dir():
            if path.name not in SKIPPED_FOLDERS and not path.is_symlink():
                yield from _source_files(path)
        elif path.suffix in SOURCE_SUFFIXES or path.name in SOURCE_NAMES:
            yield path


def _appears_in(key: str, tree: Path) -> Path | None:
    needle = key.encode()
    for path in _source_files(tree):
        try:
            if path.stat().st_size <= LARGEST_FILE and needle in path.read_bytes():
                return path
        except OSError:
            continue
    return None


def problem(key: str, tree: Path) -> str | None:
    """Why `key` must not be used in production, or None when it may."""
    if len(key) < MIN_LENGTH or len(set(key)) < MIN_UNIQUE_CHARACTERS:
        return f"at least {MIN_LENGTH} random characters"
    if key.startswith(INSECURE_PREFIX):
        return f"a key that does not start with “{INSECURE_PREFIX}” (Django's insecure keys)"
    if found := _appears_in(key, tree):
        return f"a key of its own: this one is written in {found.relative_to(tree)}"
    return None
