from __future__ import annotations

from django.http import HttpRequest

from reader.models import KINDS
from reader.views.styles import kinds_version


def kinds(request: HttpRequest) -> dict:
    """`kinds`, the annotation kinds' table (reader.models.KINDS) in its order, for every
    template; `kinds_version` names the state of /kinds.css, for its address."""
    return {"kinds": list(KINDS.values()), "kinds_version": kinds_version()}
