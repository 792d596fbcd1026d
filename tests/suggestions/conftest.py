from __future__ import annotations

from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"


@pytest.fixture(scope="session")
def seed():
    """A seed text by its number: seed("001")."""

    def read(number: str) -> str:
        [path] = SEEDS.glob(f"{number}_*.txt")
        return path.read_text(encoding="utf-8")

    return read
