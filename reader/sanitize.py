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


# --- bidirectional text ------------------------------------------------------------------
# A right-to-left override (U+202E) or an isolate (U+2066-U+2069) in what a user wrote
# reorders the page's own text around it. Pages isolate user text: inline in <bdi> (the
# `bdi` filter), block-level in an element with dir="auto", and inside a sentence built in
# Python with `isolate` (the plain-text <bdi>). Attributes and the <title> cannot hold an
# element: there the controls are removed (`without_bidi_controls`).

_OPENERS = {
    "\u202a": "\u202c",  # LRE
    "\u202b": "\u202c",  # RLE
    "\u202d": "\u202c",  # LRO
    "\u202e": "\u202c",  # RLO
    "\u2066": "\u2069",  # LRI
    "\u2067": "\u2069",  # RLI
    "\u2068": "\u2069",  # FSI
}
FSI, PDI = "\u2068", "\u2069"
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def bidi_balanced(text: str) -> str:
    """`text` with every directional embedding, override and isolate it opens closed at
    its end, and every closer that closes nothing it opened dropped (an unmatched U+2069
    would end the isolate the page put around it); balanced text is returned unchanged."""
    if not BIDI_CONTROLS.search(text):
        return text
    kept, open_ = [], []  # open_: the closer each still-open opener expects
    for char in text:
        if char in _OPENERS:
            open_.append(_OPENERS[char])
        elif char == PDI:
            if PDI not in open_:
                continue
            while open_.pop() != PDI:  # an isolate's end also ends embeddings inside it
                pass
        elif char == "\u202c":
            if not open_ or open_[-1] != "\u202c":
                continue
            open_.pop()
        kept.append(char)
    return "".join(kept) + "".join(reversed(open_))


def isolate(text: object) -> str:
    """User text for a sentence built in Python (an activity summary, a message): balanced
    and between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE, so neither
    its direction nor its controls reach the words around it."""
    return f"{FSI}{bidi_balanced(str(text))}{PDI}"


def without_bidi_controls(text: str) -> str:
    """For attributes and the <title>, which cannot hold an isolating element."""
    return BIDI_CONTROLS.sub("", text)
