"""The only module that imports bleach: user text is cleaned here once, at write time.

Notes are plain text. We store the text as written and, beside it, `note_html`: the text
escaped, then with its http(s) links made clickable. Templates may mark only `note_html`
safe. Imported HTML is reduced to text here and never rendered.
"""

from __future__ import annotations

import html
import re
from collections.abc import MutableMapping

import bleach
from bleach.linkifier import Linker


def _external_link(
    attrs: MutableMapping[tuple[str | None, str], str], new: bool = False
) -> MutableMapping[tuple[str | None, str], str]:
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    attrs[(None, "target")] = "_blank"
    return attrs


_LINKER = Linker(callbacks=[_external_link], parse_email=False)


def note_to_html(note: str) -> str:
    """Escape everything the user typed, then turn bare http(s) and www. links into links."""
    return _LINKER.linkify(html.escape(note))


# Elements whose content is not readable text.
_INVISIBLE_OPEN = re.compile(r"<(script|style|template|noscript|head|svg|math)\b", re.IGNORECASE)
# Tags that end a line when a browser lays the page out. The bounded attribute run keeps
# the match linear on hostile input such as "<p<p<p…" with no ">".
_LINE_BREAKING = re.compile(
    r"<(?:br|/?(?:p|div|section|article|aside|header|footer|main|nav|h[1-6]|li|ul|ol|dl|dt|dd|"
    r"tr|table|blockquote|pre|figure|figcaption|hr))\b[^>]{0,1000}>",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[ \t\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _without_invisible_elements(markup: str) -> str:
    """Drop script, style and similar elements with their content, in one forward pass
    (a lazy regex rescans to the end for every unclosed one: quadratic on hostile input).
    An unclosed one swallows the rest of the page, as it does in a browser."""
    lowered = markup.lower()
    kept, position = [], 0
    while found := _INVISIBLE_OPEN.search(markup, position):
        kept.append(markup[position : found.start()])
        closing = lowered.find(f"</{found[1].lower()}", found.end())
        end = lowered.find(">", closing) if closing >= 0 else -1
        if end < 0:
            return "".join(kept)
        position = end + 1
    kept.append(markup[position:])
    return "".join(kept)


def html_to_text(markup: str) -> str:
    """The readable text of an HTML page: tags stripped by bleach, entities decoded."""
    markup = _without_invisible_elements(markup)
    markup = _LINE_BREAKING.sub("\n", markup)
    text = html.unescape(bleach.clean(markup, tags=set(), strip=True, strip_comments=True))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip() + "\n"
