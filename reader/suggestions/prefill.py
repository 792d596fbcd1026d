"""The value a link form proposes for a quote, by the facet's type: a place facet the
place in the quote, a time facet the whole time expression, a number facet the number
next to the facet's cue words ("33 Turkish soldiers ... at a place called Balyun" is
"Balyun" for a place and "33" for a death toll; "At around 5 p.m." is "around 5 p.m.").
Empty when the quote holds no value of the type: the form then takes the quote itself."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from reader.suggestions.candidates import KnownName, quote_values


def prefill(
    *,
    value_type: str,
    quote: str,
    facet_name: str = "",
    names: Sequence[KnownName] = (),
    published: datetime.date | None = None,
) -> str:
    """The best value of the type in the quote, as written, or ""."""
    found = quote_values(
        value_type, quote[:2000], facet_name=facet_name, names=names, published=published
    )
    return found[0] if found else ""
