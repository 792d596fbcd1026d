from __future__ import annotations

from django.http import HttpRequest

from reader.views.styles import kinds_version
from reader.vocabularies import KINDS


def kinds(request: HttpRequest) -> dict:
    """`kinds`, the annotation kinds' table (reader.vocabularies.KINDS) in its order, for every
    template; `kinds_version` names the state of /kinds.css, for its address."""
    return {"kinds": list(KINDS.values()), "kinds_version": kinds_version()}
