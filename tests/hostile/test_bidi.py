"""Bidirectional text: a right-to-left override (U+202E) and the isolates (U+2066-U+2069)
in every field the XSS suite fills reorder nothing but the user's own text. Inline, user
text is in a <bdi> (balanced first: a stray U+2069 would end the page's isolate); block
level (notes, replies, the document's text) in an element with dir="auto"; inside a
sentence built in Python, between U+2068 and U+2069. Attributes, <option>s and the <title>
cannot hold an element: there the controls are removed. The page's own words are never
inside an isolate together with a user's controls."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from reader.sanitize import BIDI_CONTROLS, bidi_balanced, isolate, without_bidi_controls
from reader.services.entities import entity_resolve
from reader.vocabularies import Role
from tests.factories import MembershipFactory, UserFactory
from tests.hostile.conftest import fill_project, routes, snapshot
from tests.hostile.test_access_ids import url_for

# A stray U+2069 first (it would end an isolate the page put around the text), then a
# right-to-left override and three isolates, none of them closed.
BIDI = "\u2069\u202eevil\u2066\u2067\u2068said"
OPENERS = set("\u202a\u202b\u202d\u202e\u2066\u2067\u2068")
MARKS = set("\u200e\u200f\u061c")
PDF, PDI = "\u202c", "\u2069"


def label(what: str) -> str:
    return f"{what} {BIDI}"


def plain(text: str) -> str:
    """What a reader sees of the text, controls aside."""
    return without_bidi_controls(text)


# --- the check ----------------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
# Elements that end a paragraph: a stray U+2069 inside one cannot reach the text after it.
BLOCKS = {
    "article",
    "aside",
    "blockquote",
    "body",
    "dd",
    "div",
    "dl",
    "dt",
    "fieldset",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "header",
    "html",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
# Where a user's text is an editable value (kept exactly), or a URL, not laid-out text.
EDITABLE = {("input", "value")}
URL_ATTRIBUTES = {"href", "src", "action", "hx-get", "hx-post"}


class _Frame:
    """An isolate: an isolating element, a U+2066-U+2068…U+2069 run, or the page itself."""

    def __init__(self, kind: str, tag: str = "") -> None:
        self.kind = kind  # "page", "element" or "text"
        self.tag = tag
        self.text: list[str] = []  # everything in it, nested isolates too
        self.controls = False  # a control directly in it (not in a nested isolate)
        self.embeddings = 0


class _BidiCheck(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.frames = [_Frame("page")]
        self.elements: list[tuple[str, bool]] = []  # (tag, opened an isolate)
        self.closed: list[_Frame] = []
        self.problems: list[str] = []

    # elements
    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            shown = (tag, name) not in EDITABLE and name not in URL_ATTRIBUTES
            if shown and value and BIDI_CONTROLS.search(value):
                self.problems.append(f"<{tag} {name}={value[:50]!r}> holds bidi controls")
        if tag in VOID:
            return
        # dir on <html> sets the page's direction; anywhere else it isolates.
        isolating = tag == "bdi" or (tag != "html" and any(name == "dir" for name, _ in attrs))
        if isolating:
            self.frames.append(_Frame("element", tag))
        self.elements.append((tag, isolating))

    def handle_startendtag(self, tag, attrs) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag) -> None:
        if tag not in {t for t, _ in self.elements}:
            return
        if self.frames[-1].kind == "text" and all(f.kind != "element" for f in self.frames):
            text = "".join(self.frames[-1].text)
            self.problems.append(f"an isolate left open in the page's text: {text[:50]!r}")
        while self.elements:
            open_tag, isolating = self.elements.pop()
            if isolating:
                while self.frames[-1].kind != "element":
                    self._close(self.frames.pop())  # ended by the element's isolate
                self._close(self.frames.pop())
            if open_tag == tag:
                return

    # text
    def _in(self, tag: str) -> bool:
        return any(t == tag for t, _ in self.elements)

    def handle_data(self, data) -> None:
        if self._in("textarea") or self._in("script") or self._in("style"):
            return
        for char in data:
            frame = self.frames[-1]
            if char in "\u2066\u2067\u2068":  # an isolate: Python's <bdi>
                self.frames.append(_Frame("text"))
            elif char in OPENERS or char in MARKS:
                if all(f.kind == "page" for f in self.frames):
                    where = "<title>" if self._in("title") else "the page's own text"
                    self.problems.append(f"{char!r} in {where}, isolated by nothing")
                if char in OPENERS:
                    frame.embeddings += 1
                frame.controls = True
            elif char == PDI:
                if not self._close_text_isolate():
                    frame.controls = True
            elif char == PDF:
                frame.controls = True
                frame.embeddings = max(0, frame.embeddings - 1)
            else:
                for open_frame in self.frames:
                    open_frame.text.append(char)

    def _close_text_isolate(self) -> bool:
        """A U+2069 ends the innermost text isolate opened inside the innermost isolating
        element; with none, it would end that element's own isolate."""
        for depth in range(len(self.frames) - 1, -1, -1):
            if self.frames[depth].kind == "text":
                while len(self.frames) > depth:
                    self._close(self.frames.pop())
                return True
            if self.frames[depth].kind == "element":
                if self.frames[depth].tag not in BLOCKS:
                    text = "".join(self.frames[depth].text)
                    self.problems.append(f"a stray U+2069 ends the <bdi> of {text[:50]!r}")
                return False
        return False

    def _close(self, frame: _Frame) -> None:
        self.closed.append(frame)


def bidi_problems(html: str, values: list[str]) -> tuple[list[str], list[str]]:
    """What in the page lets a user's bidi controls reach text that is not theirs; and the
    text (controls aside) of every isolate, to find the values in."""
    check = _BidiCheck()
    check.feed(html)
    check.close()
    known = [plain(value) for value in values]
    problems = list(check.problems)
    isolates = []
    for frame in check.closed:
        text = "".join(frame.text)
        isolates.append(text)
        # An isolate holding a user's controls holds that user's text and nothing else.
        if frame.controls and not any(text.rstrip("…") in value for value in known):
            problems.append(f"page text shares an isolate with a user's controls: {text[:80]!r}")
    return problems, isolates


def assert_isolated(html: str, values: list[str], *, shows: list[str] = ()) -> None:
    problems, isolates = bidi_problems(html, values)
    assert problems == []
    for value in shows:
        assert any(plain(value)[:40] in text for text in isolates), f"{value!r} not isolated"


def test_the_check_finds_unisolated_and_escaping_controls():
    values = [label("outlet")]
    assert bidi_problems(f"<p>Outlet: {label('outlet')} · News</p>", values)[0]
    assert bidi_problems(f"<p><span>{label('outlet')}</span> News</p>", values)[0]
    # A stray U+2069 in a <bdi> ends the page's isolate: the override then reaches "News".
    assert bidi_problems(f"<p><bdi>{label('outlet')}</bdi> News</p>", values)[0]
    assert bidi_problems(f"<p><bdi>Outlet: {bidi_balanced(label('outlet'))}</bdi></p>", values)[0]
    assert bidi_problems(f'<p title="{label("outlet")}">x</p>', values)[0]
    assert bidi_problems(f"<title>{label('outlet')}</title>", values)[0]
    assert bidi_problems(f"<select><option>{label('outlet')}</option></select>", values)[0]
    fine = f"<p>Outlet: <bdi>{bidi_balanced(label('outlet'))}</bdi> News</p>"
    assert bidi_problems(fine, values)[0] == []
    sentence = f"<p>Outlet <bdi>“{isolate(label('outlet'))}” (x)</bdi> News</p>"
    assert bidi_problems(sentence, values)[0] == []
    assert bidi_problems(f'<div dir="auto">{label("outlet")}</div> News', values)[0] == []


# --- the pieces ---------------------------------------------------------------------------


def test_balancing_drops_stray_closers_and_closes_what_is_open():
    assert bidi_balanced(BIDI) == "\u202eevil\u2066\u2067\u2068said\u2069\u2069\u2069\u202c"
    assert bidi_balanced("plain") == "plain"
    nested = "a\u202bb\u2067c\u202ed\u2069e\u202c"  # an isolate's end ends embeddings in it
    assert bidi_balanced(nested) == nested
    assert bidi_balanced("x\u202c\u2069y") == "xy"
    assert isolate(BIDI) == f"\u2068{bidi_balanced(BIDI)}\u2069"


def test_the_filters_escape_and_isolate():
    template = Template("{% load reader_tags %}<p>{{ v|bdi }}</p><p title='{{ v|nobidi }}'></p>")
    html = template.render(Context({"v": f"<b>{BIDI}</b>'"}))
    assert html == (
        "<p><bdi>&lt;b&gt;\u202eevil\u2066\u2067\u2068said&lt;/b&gt;&#x27;"
        "\u2069\u2069\u2069\u202c</bdi></p>"
        "<p title='&lt;b&gt;evilsaid&lt;/b&gt;&#x27;'></p>"
    )


# --- a project with bidi controls in every field -----------------------------------------

NOTE = f"note {BIDI}\nhttps://example.org/{BIDI} and more"
INVITEE = f"invitee{BIDI}"


@pytest.fixture
def bidi_user(project):
    """An annotator whose username holds the controls: sign-up refuses them, but a bundle
    import creates accounts by name, and an admin can type anything."""
    user = UserFactory(username=f"u{BIDI}", email="bidi@example.org")
    MembershipFactory(project=project, user=user, role=Role.ANNOTATOR)
    return user


@pytest.fixture
def bidi(project, alice, carol, bidi_user):
    """Alice's project with U+202E and U+2066-U+2069 in every field the XSS suite fills."""
    filled = fill_project(
        project,
        owner=alice,
        author=bidi_user,
        label=label,
        quote=label("text"),
        note=NOTE,
        invitee=INVITEE,
        preview={"counts": [[label("Count"), 1, 0]], "new_members": [f"u{BIDI} (owner)"]},
    )
    entity = entity_resolve(project=project, written=label("entity"), role="actor")
    return {**filled, "entity": entity}


FIELDS = [
    "project",
    "entity",
    "description",
    "outlet",
    "perspective",
    "title",
    "origin",
    "reason",
    "reply reason",
    "event",
    "event description",
    "place",
    "facet",
    "value",
    "other value",
    "attribution",
    "token",
    "file",
    "Count",
]
# Everything a user wrote, as the pages may show it.
VALUES = [
    *(label(what) for what in FIELDS),
    f"Intro line.\n{label('text')}\n33 soldiers were killed, officials said.\n",
    NOTE,
    INVITEE,
    f"u{BIDI}",
    f"u{BIDI} (owner)",
]


def html_of(response) -> str:
    body = b"".join(response) if response.streaming else response.content
    return body.decode()


def test_every_page_and_partial_isolates_user_text(client, bidi, alice, bidi_user, carol):
    """Every URL the resolver knows, as the owner, the annotator who wrote the controls and
    a viewer; as a page and as htmx asks for it."""
    ids = {name: obj.pk for name, obj in bidi.items()}
    slug = bidi["document"].project.slug
    checked, problems = 0, []
    for user in (alice, bidi_user, carol):
        client.force_login(user)
        for route in routes():
            # Django's admin renders its own templates, not isolated here.
            if route.name in {"logout", "admin_login"}:
                continue
            pks = [ids[route.target]] if route.target else sorted(set(ids.values()))
            for pk in pks:
                url = url_for(route, slug=slug, pk=pk)
                for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                    response = client.get(url, **headers)
                    if "html" not in response.get("Content-Type", ""):
                        continue
                    checked += 1
                    found, _ = bidi_problems(html_of(response), VALUES)
                    problems += [f"{url} as {user.pk}: {p}" for p in found]
    assert problems == []
    assert checked > 100


def get(client, user, url: str, **headers) -> str:
    client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return html_of(response)


@pytest.mark.parametrize(
    ("page", "shows"),
    [
        ("document_detail", ["title", "outlet", "origin", "value", "attribution", "reason"]),
        ("document_list", ["title", "outlet", "project"]),
        ("event_list", ["event", "place", "event description"]),
        ("event_detail", ["event", "place", "event description", "facet", "value", "outlet"]),
        ("event_compare", ["event", "facet", "outlet", "title"]),
        ("member_list", ["project"]),
        ("document_agreement", ["title"]),
        ("project_agreement", ["project"]),
        ("activity_list", ["title", "outlet", "event", "facet", "value", "reason"]),
        ("trash_list", []),
        ("import_preview", ["file", "Count"]),
        ("account", ["token", "project"]),
        ("project_list", ["project", "description"]),
    ],
)
def test_each_page_shows_its_user_text_isolated(client, bidi, alice, page, shows):
    ids = {name: obj.pk for name, obj in bidi.items()}
    slug = bidi["document"].project.slug
    route = next(r for r in routes() if r.name.split(":")[-1] == page)
    url = url_for(route, slug=slug, pk=ids.get(route.target or "", 0))
    texts = [label(what) for what in shows]
    if page in {"member_list", "document_agreement", "project_agreement", "activity_list"}:
        texts.append(f"u{BIDI}")
    if page == "member_list":
        texts.append(INVITEE)
    if page == "document_detail":
        texts += [NOTE, label("text")]
    assert_isolated(get(client, alice, url), VALUES, shows=texts)


def test_the_title_and_attributes_lose_the_controls(client, bidi, alice):
    html = get(client, alice, bidi["document"].get_absolute_url())
    assert f"<title>{plain(label('title'))} · Reader</title>" in html
    assert f'aria-label="Text of {plain(label("title"))}"' in html


def test_the_reading_pane_keeps_the_stored_text_exactly(client, bidi, alice):
    """Offsets index the stored text: the pane isolates it (dir="auto"), never alters it."""
    html = get(client, alice, bidi["document"].get_absolute_url())
    pane = html.split('id="reading-pane"', 1)[1].split("</article>", 1)[0]
    assert 'dir="auto"' in pane.split(">", 1)[0]
    assert BIDI in pane  # the stray U+2069 too


def test_panel_partials_isolate_user_text(client, bidi, alice, bidi_user):
    slug = bidi["document"].project.slug
    annotation, reply = bidi["annotation"], bidi["reply"]
    for name, pk in {
        "annotation_detail": annotation.pk,
        "annotation_update": annotation.pk,
        "annotation_delete": annotation.pk,
        "facet_link_create": annotation.pk,
        "reply_create": annotation.pk,
        "annotation_hide": annotation.pk,
        "reply_hide": reply.pk,
    }.items():
        url = reverse(f"reader:{name}", args=[slug, pk])
        assert_isolated(get(client, alice, url, HTTP_HX_REQUEST="true"), VALUES)
    url = reverse("reader:reply_update", args=[slug, reply.pk])
    assert_isolated(get(client, bidi_user, url, HTTP_HX_REQUEST="true"), VALUES)


def test_a_message_naming_user_text_isolates_it(client, bidi, alice):
    project = bidi["document"].project
    invitation = project.invitations.get()
    client.force_login(alice)
    url = reverse("reader:invitation_withdraw", args=[project.slug, invitation.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    html = html_of(response)
    assert f"The invitation to {isolate(INVITEE)} is withdrawn." in html
    assert_isolated(html, VALUES)


def test_errors_quoting_user_text_isolate_it(client, bidi, alice):
    document = bidi["document"]
    client.force_login(alice)
    before = snapshot()
    url = reverse("reader:annotation_create", args=[document.project.slug, document.pk])
    data = {"kind": "claim", "start": 0, "end": 5, "quote": BIDI}
    response = client.post(url, data)
    assert response.status_code == 400
    assert isolate(BIDI) in html_of(response)
    assert_isolated(html_of(response), [*VALUES, BIDI, "Intro"])
    upload = SimpleUploadedFile(f"{BIDI}.exe", b"text", content_type="text/plain")
    response = client.post(
        reverse("reader:document_create", args=[document.project.slug]),
        {"new_outlet": "Wire", "file": upload},
    )
    assert response.status_code == 400
    assert "is not a kind of file Reader reads" in html_of(response)
    assert_isolated(html_of(response), [*VALUES, f"{BIDI}.exe"])
    assert snapshot() == before
