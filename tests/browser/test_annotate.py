"""The reader page in headless Chromium: selecting and tagging text, the highlights and the
panel, editing, deleting, filtering, roles, and offsets across non-ASCII text."""

from __future__ import annotations

import re
import unicodedata

import pytest
from playwright.sync_api import Page, expect

from reader.models import Annotation, Document
from reader.vocabularies import KINDS, Kind
from tests.browser.conftest import wait_until_still
from tests.factories import PASSWORD, AnnotationFactory, DocumentFactory

pytestmark = pytest.mark.browser

# After a save, reader.js smooth-scrolls to the new highlight, which would move text under
# the mouse: wait for the window and the panel to stop.
READER_SCROLL = (
    "`${window.scrollX},${window.scrollY},"
    "${document.getElementById('annotation-panel')?.scrollTop ?? 0}`"
)

# Defined inside each page.evaluate: the DOM Range over the reading pane's text nodes that
# covers the first occurrence of `quote`. Offsets are found by the browser (UTF-16 units),
# independently of the server's code point conversion.
RANGE_OF_QUOTE = """
function rangeOfQuote(pane, quote) {
  const start = pane.textContent.indexOf(quote);
  if (start < 0) throw new Error(`Not in the reading pane: ${quote}`);
  const end = start + quote.length;
  const walker = document.createTreeWalker(pane, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const next = seen + node.data.length;
    if (seen <= start && start < next) range.setStart(node, start - seen);
    if (seen < end && end <= next) {
      range.setEnd(node, end - seen);
      return range;
    }
    seen = next;
  }
  throw new Error("The range's end is past the text");
}
"""


def drag_over(page: Page, quote: str) -> None:
    """Select `quote` in the reading pane with the mouse: press on its first character's
    left edge, move, release on its last character's right edge (left-to-right text)."""
    wait_until_still(page, READER_SCROLL)
    box = page.locator("#reading-pane").evaluate(
        f"""(pane, quote) => {{
          {RANGE_OF_QUOTE}
          const range = rangeOfQuote(pane, quote);
          let rect = range.getBoundingClientRect();
          if (rect.top < 0 || rect.bottom > window.innerHeight) {{
            window.scrollBy({{ top: rect.top - window.innerHeight / 3, behavior: "instant" }});
          }}
          const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
          const first = rects[0];
          const last = rects[rects.length - 1];
          return {{
            x0: first.left + 1, y0: first.top + first.height / 2,
            x1: last.right - 1, y1: last.top + last.height / 2,
          }};
        }}""",
        quote,
    )
    page.mouse.move(box["x0"], box["y0"])
    page.mouse.down()
    page.mouse.move(box["x1"], box["y1"], steps=8)
    page.mouse.up()


def select_programmatically(page: Page, quote: str) -> None:
    """Put a DOM Range selection over `quote`, then send the mouseup that ends a selection."""
    page.locator("#reading-pane").evaluate(
        f"""(pane, quote) => {{
          {RANGE_OF_QUOTE}
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(rangeOfQuote(pane, quote));
          pane.dispatchEvent(new MouseEvent("mouseup", {{ bubbles: true }}));
        }}""",
        quote,
    )


def expect_selected(page: Page, quote: str) -> None:
    """The toolbar is open and holds exactly the quote the browser selected."""
    toolbar = page.locator("#selection-toolbar")
    expect(toolbar).to_be_visible()
    expect(toolbar.locator("input[name=quote]")).to_have_value(quote)


def expect_saved(page: Page, annotation: Annotation) -> None:
    """After a save: the toolbar closed and the new item selected in the panel."""
    expect(page.locator("#selection-toolbar")).to_be_hidden()
    expect(page.locator(f"#annotation-{annotation.pk}")).to_have_class(re.compile(r"is-selected"))


def expect_highlight(page: Page, annotation: Annotation) -> None:
    """The annotation's segments carry its kind and id and, joined, read as its quote."""
    segments = page.locator(f'#reading-pane .hl[data-ann~="{annotation.pk}"]')
    expect(segments.first).to_be_attached()
    kind_class = re.compile(rf"(^|\s)k-{annotation.kind}(\s|$)")
    for index in range(segments.count()):
        expect(segments.nth(index)).to_have_class(kind_class)
    assert "".join(segments.all_text_contents()) == annotation.quote_exact


def expect_panel_item(page: Page, annotation: Annotation) -> None:
    item = page.locator(f"#annotation-panel li#annotation-{annotation.pk}")
    expect(item).to_have_class(re.compile(rf"(^|\s)annotation-item k-{annotation.kind}(\s|$)"))
    expect(item.locator(".kind-badge")).to_have_text(annotation.get_kind_display())
    expect(item.locator(".item-quote")).to_have_text(f"“{annotation.quote_exact}”")
    expect(item.locator(".item-author")).to_have_text(annotation.author.username)
    if annotation.note:
        expect(item.locator(".item-note")).to_have_text(annotation.note)
    else:
        expect(item.locator(".item-note")).to_have_count(0)


def pane_text(page: Page) -> str:
    return page.locator("#reading-pane").text_content()


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# 1. Tagging with the mouse and the keyboard, through the real sign-in form.


def test_tag_with_mouse_and_keyboard_then_reload(page, live_server, demo_project, alice):
    document = demo_project.documents.get(title__startswith="Turkish and Syrian soldiers")
    claim_quote = "five tanks, two armoured personnel carriers and a howitzer artillery launcher"
    opinion_quote = "A deadly Russian strike on Turkish troops would carry major implications"
    note = "Materiel losses, as claimed by Turkey's defence ministry."
    before = set(document.annotations.values_list("pk", flat=True))

    page.goto(f"/accounts/login/?next={document.get_absolute_url()}")
    page.locator("#id_username").fill("alice")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + document.get_absolute_url())
    expect(page.locator("#selection-toolbar")).to_be_hidden()

    # A claim: select with the mouse, type a note first, then click "Claim".
    drag_over(page, claim_quote)
    expect_selected(page, claim_quote)
    toolbar = page.locator("#selection-toolbar")
    toolbar.get_by_label("Note").fill(note)
    toolbar.get_by_role("button", name="Claim").click()
    item = page.locator("#annotation-panel .annotation-item.k-claim", has_text="five tanks")
    expect(item).to_have_count(1)
    claim = Annotation.objects.get(document=document, author=alice, kind=Kind.CLAIM)
    expect_saved(page, claim)

    # An opinion: select most of it with the mouse, extend it with shift+arrows, press "o".
    last_word = " implications"
    drag_over(page, opinion_quote.removesuffix(last_word))
    expect_selected(page, opinion_quote.removesuffix(last_word))
    for _ in last_word:
        page.keyboard.press("Shift+ArrowRight")
    expect_selected(page, opinion_quote)
    expect(toolbar.get_by_label("Note")).to_have_value("")  # the last note was cleared
    page.keyboard.press("o")
    item = page.locator("#annotation-panel .annotation-item.k-opinion", has_text="A deadly")
    expect(item).to_have_count(1)
    opinion = Annotation.objects.get(document=document, author=alice, kind=Kind.OPINION)
    expect_saved(page, opinion)

    text = document.text
    for annotation, quote, kind, expected_note in [
        (claim, claim_quote, Kind.CLAIM, note),
        (opinion, opinion_quote, Kind.OPINION, ""),
    ]:
        assert annotation.kind == kind
        assert annotation.quote_exact == quote
        assert (annotation.start, annotation.end) == (
            text.index(quote),
            text.index(quote) + len(quote),
        )
        assert annotation.note == expected_note
        assert annotation.version == 1
    assert set(document.annotations.values_list("pk", flat=True)) == before | {claim.pk, opinion.pk}

    def expect_both_shown() -> None:
        for annotation in (claim, opinion):
            expect_highlight(page, annotation)
            expect_panel_item(page, annotation)
        expect(page.locator("#annotation-panel .annotation-item")).to_have_count(len(before) + 2)
        assert pane_text(page) == text

    expect_both_shown()
    page.reload()
    expect_both_shown()


# 2. The reading pane shows the stored text exactly.


def test_pane_text_equals_stored_text(page, login, demo_project, document, alice):
    login(alice)
    documents = list(demo_project.documents.order_by("pk")) + [document]
    assert len(documents) == 6
    for current in documents:
        page.goto(current.get_absolute_url())
        expect(page.locator("h1")).to_have_text(current.title)
        assert pane_text(page) == current.text, current.title
        if current.annotations.exists():  # the demo highlights are drawn, not just text
            expect(page.locator("#reading-pane .hl")).not_to_have_count(0)


# 3. Offsets across astral characters, combining marks, Arabic and CJK.


def tag_as_claim(page: Page, document: Document, quote: str, *, how: str) -> Annotation:
    """Select `quote` (by mouse or by a DOM Range), click "Claim" and check what was stored:
    the exact quote, at code point offsets, although the browser sent UTF-16 offsets."""
    text = document.text
    assert quote in text
    start = text.index(quote)
    page.goto(document.get_absolute_url())
    assert pane_text(page) == text

    if how == "mouse":
        drag_over(page, quote)
    else:
        select_programmatically(page, quote)
    expect_selected(page, quote)
    toolbar = page.locator("#selection-toolbar")
    expect(toolbar.locator("input[name=start]")).to_have_value(str(utf16_length(text[:start])))
    expect(toolbar.locator("input[name=end]")).to_have_value(
        str(utf16_length(text[: start + len(quote)]))
    )
    toolbar.get_by_role("button", name="Claim").click()

    expect(page.locator("#annotation-panel .annotation-item.k-claim")).to_have_count(1)
    annotation = Annotation.objects.get(document=document)
    assert annotation.kind == Kind.CLAIM
    assert annotation.quote_exact == quote
    assert (annotation.start, annotation.end) == (start, start + len(quote))
    assert text[annotation.start : annotation.end] == quote
    expect_saved(page, annotation)
    expect_highlight(page, annotation)
    expect_panel_item(page, annotation)
    assert pane_text(page) == text
    return annotation


@pytest.mark.parametrize(
    ("quote", "how"),
    [
        # After the flag (2 astral characters) UTF-16 and code point offsets differ by 2,
        # after the 💥 by 3.
        pytest.param("33 soldiers 💥 killed", "mouse", id="emoji-by-mouse"),
        pytest.param("🇹🇷: 33 soldiers 💥", "range", id="flag-and-emoji"),
        # MIXED_TEXT's "e" + U+0301 is stored composed (NFC) as "é".
        pytest.param(unicodedata.normalize("NFC", "Cafe\u0301 owners"), "range", id="accent"),
        pytest.param("وزارة الدفاع التركية", "range", id="arabic"),
        pytest.param("有33名士兵", "range", id="cjk"),
        pytest.param("𝒜𝒷𝒸 end", "range", id="math-letters"),
    ],
)
def test_offsets_across_non_ascii_text(page, login, document, bob, quote, how):
    login(bob)
    annotation = tag_as_claim(page, document, quote, how=how)
    assert annotation.author == bob


@pytest.mark.parametrize(
    "quote",
    [
        pytest.param("\u0625\u0650\u062f\u0652\u0644\u0650\u0628", id="arabic-vowel-marks"),
        pytest.param("q\u0323 keep", id="latin-dot-below"),
    ],
)
def test_offsets_across_combining_marks_that_nfc_keeps(page, login, project, bob, quote):
    """Marks with no precomposed form stay separate code points after NFC."""
    text = (
        "💥 Vocalised: \u0625\u0650\u062f\u0652\u0644\u0650\u0628 and q\u0323 keep their marks.\n"
    )
    document = DocumentFactory(project=project, title="Combining marks", text=text)
    assert document.text == text  # already NFC: nothing was composed
    login(bob)
    tag_as_claim(page, document, quote, how="range")


# 4. Overlapping annotations become flat segments.


def test_overlapping_annotations_render_as_flat_segments(page, login, document, alice, bob):
    claim = AnnotationFactory(
        document=document, author=alice, kind=Kind.CLAIM, quote="33 soldiers 💥 killed"
    )
    opinion = AnnotationFactory(
        document=document, author=bob, kind=Kind.OPINION, quote="💥 killed near Balyun"
    )
    login(alice)
    page.goto(document.get_absolute_url())

    pane = page.locator("#reading-pane")
    overlap = pane.locator(".hl.hl-overlap")
    expect(overlap).to_have_count(1)
    assert set(overlap.get_attribute("data-ann").split()) == {str(claim.pk), str(opinion.pk)}
    expect(overlap).to_have_class(re.compile(r"(?=.*\bk-claim\b)(?=.*\bk-opinion\b)"))
    assert overlap.text_content() == "💥 killed"
    expect(overlap).to_have_attribute("data-mark", "O")  # where the opinion starts

    only_claim = pane.locator(f'.hl[data-ann="{claim.pk}"]')
    only_opinion = pane.locator(f'.hl[data-ann="{opinion.pk}"]')
    assert only_claim.all_text_contents() == ["33 soldiers "]
    expect(only_claim).to_have_attribute("data-mark", "C")
    assert only_opinion.all_text_contents() == [" near Balyun"]
    expect(pane.locator(".hl span")).to_have_count(0)  # flat: no highlight nested in another
    expect_highlight(page, claim)
    expect_highlight(page, opinion)
    assert pane_text(page) == document.text


# 5. Highlights and the panel point at each other.


def test_highlight_selects_panel_item_and_quote_flashes_highlight(page, login, demo_project, alice):
    document = demo_project.documents.get(title="2020 Balyun airstrikes")
    outer = document.annotations.get(quote_exact="Syrian Air Force, (denied by Russia)")
    inner = document.annotations.get(quote_exact="denied by Russia")
    other = document.annotations.get(
        quote_exact="the Turkish Ministry of National Defense announced 33 deaths"
    )
    login(alice)
    page.goto(document.get_absolute_url())
    pane = page.locator("#reading-pane")
    selected = page.locator("#annotation-panel .annotation-item.is-selected")
    expect(selected).to_have_count(0)

    # The nested one's text is covered by both annotations: both items get selected.
    pane.locator(f'.hl[data-ann~="{outer.pk}"][data-ann~="{inner.pk}"]').click()
    expect(selected).to_have_count(2)
    expect(page.locator(f"#annotation-{outer.pk}")).to_have_class(re.compile(r"is-selected"))
    expect(page.locator(f"#annotation-{inner.pk}")).to_have_class(re.compile(r"is-selected"))

    pane.locator(f'.hl[data-ann="{outer.pk}"]').first.click()
    expect(selected).to_have_count(1)
    expect(page.locator(f"#annotation-{outer.pk}")).to_have_class(re.compile(r"is-selected"))

    flashing = pane.locator(".hl.is-flashing")
    expect(flashing).to_have_count(0)
    page.locator(f"#annotation-{other.pk} .item-quote").click()
    segments = pane.locator(f'.hl[data-ann~="{other.pk}"]')
    expect(flashing).to_have_count(segments.count())
    for index in range(segments.count()):
        expect(segments.nth(index)).to_have_class(re.compile(r"is-flashing"))
    expect(selected).to_have_count(1)
    expect(page.locator(f"#annotation-{other.pk}")).to_have_class(re.compile(r"is-selected"))


# 6. Editing and deleting from the panel.


def test_edit_kind_and_note_from_the_panel(page, login, document, alice, bob):
    edited = AnnotationFactory(
        document=document, author=bob, kind=Kind.CLAIM, quote="at least 36", note="A figure."
    )
    login(alice)  # an owner may change bob's annotations
    page.goto(document.get_absolute_url())

    item = page.locator(f"#annotation-{edited.pk}")
    item.locator(".item-menu > summary").click()
    item.get_by_role("link", name="Edit").click()
    form = page.locator(f"#annotation-{edited.pk}.is-editing form")
    expect(form).to_be_visible()
    expect(form.get_by_label("Note")).to_have_value("A figure.")
    expect(form.get_by_role("radio", name="Claim")).to_be_checked()
    form.get_by_role("radio", name="Opinion").check()
    form.get_by_label("Note").fill("Reported speech, not the outlet's own claim.")
    form.get_by_role("button", name="Save").click()

    expect(page.locator(f"#annotation-{edited.pk}-errors")).to_be_empty()
    expect(item).not_to_have_class(re.compile(r"is-editing"))
    expect(item).to_have_class(re.compile(r"\bk-opinion\b"))
    expect(item.locator(".edited")).to_have_text("edited")
    edited.refresh_from_db()
    assert edited.kind == Kind.OPINION
    assert edited.note == "Reported speech, not the outlet's own claim."
    assert edited.version == 2
    expect_panel_item(page, edited)
    expect_highlight(page, edited)
    assert pane_text(page) == document.text


def test_delete_from_the_panel_moves_to_trash_with_undo(page, login, document, alice, bob):
    kept = AnnotationFactory(document=document, author=bob, kind=Kind.CLAIM, quote="at least 36")
    deleted = AnnotationFactory(
        document=document, author=bob, kind=Kind.USER_COMMENT, quote="Surrogates"
    )
    login(alice)  # an owner may delete bob's annotations
    page.goto(document.get_absolute_url())
    expect_highlight(page, deleted)

    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.locator(f"#annotation-{deleted.pk} .item-menu > summary").click()
    page.locator(f"#annotation-{deleted.pk}").get_by_role("link", name="Delete").click()
    expect(page.locator(f"#annotation-{deleted.pk}")).to_have_count(0)
    expect(page.locator(f'#reading-pane .hl[data-ann~="{deleted.pk}"]')).to_have_count(0)
    expect(page.locator("#reader-notice")).to_have_text("Moved to trash. Undo")
    assert dialogs == []  # no "cannot be undone": it can
    assert not Annotation.objects.filter(pk=deleted.pk).exists()
    assert list(document.annotations.values_list("pk", flat=True)) == [kept.pk]
    expect(page.locator("#annotation-panel .annotation-item")).to_have_count(1)
    expect_highlight(page, kept)
    assert pane_text(page) == document.text

    page.get_by_role("button", name="Undo").click()
    expect(page.locator(f"#annotation-{deleted.pk}")).to_have_class(re.compile("is-selected"))
    expect_highlight(page, deleted)
    expect(page.locator("#reader-notice")).to_contain_text("Restored")
    assert sorted(document.annotations.values_list("pk", flat=True)) == [kept.pk, deleted.pk]
    assert pane_text(page) == document.text


# 7. Viewers read; they cannot tag.


def test_viewer_sees_no_toolbar_and_cannot_tag(page, login, document, bob, carol):
    existing = AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    posts: list[str] = []
    page.on(
        "request", lambda request: posts.append(request.url) if request.method == "POST" else None
    )
    login(carol)
    page.goto(document.get_absolute_url())
    expect_highlight(page, existing)
    expect_panel_item(page, existing)
    expect(page.locator("#selection-toolbar")).to_have_count(0)
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.get_by_role("link", name="Delete")).to_have_count(0)

    quote = "killed near Balyun"
    drag_over(page, quote)
    assert page.evaluate("() => window.getSelection().toString()") == quote
    page.keyboard.press("c")
    select_programmatically(page, "Idlib said")
    page.keyboard.press("o")
    expect(page.locator("#selection-toolbar")).to_have_count(0)
    expect(page.locator("form[hx-post]")).to_have_count(0)

    page.reload()  # any POST the keys had started would have been sent before this
    expect(page.locator("#annotation-panel .annotation-item")).to_have_count(1)
    assert posts == []
    assert list(Annotation.objects.values_list("pk", flat=True)) == [existing.pk]


# 8. Filters.


def test_filters_hide_kinds_and_authors(page, login, demo_project, alice):
    document = demo_project.documents.get(title__startswith="33 KIA")
    counts = {kind: document.annotations.filter(kind=kind).count() for kind in Kind.values}
    # The kinds the filters offer (KINDS): "to classify" is a state, never filtered by.
    others = [kind.value for kind in KINDS if kind != Kind.CLAIM]
    assert counts[Kind.CLAIM] and counts[Kind.OPINION] and counts[Kind.USER_COMMENT], counts
    login(alice)
    page.goto(document.get_absolute_url())
    pane = page.locator("#reading-pane")
    items = page.locator("#annotation-panel .annotation-item")
    expect(items).to_have_count(sum(counts.values()))

    page.locator("#reader-filters").get_by_label("Claim").uncheck()
    expect(items.and_(page.locator(".k-claim"))).to_have_count(0)
    expect(pane.locator(".hl.k-claim")).to_have_count(0)
    expect(items).to_have_count(sum(counts[kind] for kind in others))
    for kind in others:
        expect(items.and_(page.locator(f".k-{kind}"))).to_have_count(counts[kind])
        for annotation in document.annotations.filter(kind=kind):
            expect_highlight(page, annotation)
    expect(page.locator("#reader-filters").get_by_label("Claim")).not_to_be_checked()
    shown = sum(counts.values()) - counts[Kind.CLAIM]
    expect(page.locator(".panel-count")).to_have_text(
        f"{shown} of {sum(counts.values())} annotations shown"
    )
    assert pane_text(page) == document.text

    # The filters are in the URL, so a reload keeps them.
    expect(page).to_have_url(re.compile("&".join(f"show={kind}" for kind in others)))
    page.reload()
    expect(pane.locator(".hl.k-claim")).to_have_count(0)
    expect(items).to_have_count(shown)

    # And by author, on top of the kinds.
    page.locator("#reader-filters").get_by_label("Author").select_option(label="jonas")
    jonas = document.annotations.filter(author__username="jonas").exclude(kind=Kind.CLAIM)
    expect(items).to_have_count(jonas.count())
    expect(page.locator("#annotation-panel .item-author")).to_have_text(["jonas"] * jonas.count())
    expect(pane.locator(".hl")).to_have_count(jonas.count())  # none of them overlap


# 9. Bad input from the browser is refused with a message, and nothing is saved.


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param(
            "quote",
            "34 soldiers",
            "The selected text no longer matches the document at this position "
            # The quotes are isolated (U+2068…U+2069): they are text the client sent.
            "(expected “\u206833 soldiers\u2069”, got “\u206834 soldiers\u2069”). "
            "Reload the page and select again.",
            id="quote-mismatch",
        ),
        pytest.param(
            "end",
            "9999",
            "The selection could not be placed in the text: "
            "Offset 9999 is outside the text (0 to {length} UTF-16 units).",
            id="offset-outside",
        ),
        pytest.param(
            "start",
            "12",  # between the two halves of the first regional indicator of 🇹🇷
            "The selection could not be placed in the text: "
            "Offset 12 falls inside a surrogate pair.",
            id="offset-in-surrogate-pair",
        ),
    ],
)
def test_tampered_selection_is_refused(page, login, document, bob, field, value, message):
    assert document.text.index("🇹🇷") == 11  # so UTF-16 offset 12 splits its first half
    message = message.format(length=utf16_length(document.text))
    login(bob)
    page.goto(document.get_absolute_url())
    select_programmatically(page, "33 soldiers")
    expect_selected(page, "33 soldiers")
    page.locator(f"#selection-toolbar input[name={field}]").evaluate(
        "(input, value) => { input.value = value; }", value
    )
    page.locator("#selection-toolbar").get_by_role("button", name="Claim").click()

    errors = page.locator("#toolbar-errors")
    expect(errors).to_have_text(message)
    expect(page.locator("#selection-toolbar")).to_be_visible()
    expect(page.locator("#annotation-panel .annotation-item")).to_have_count(0)
    expect(page.locator("#reading-pane .hl")).to_have_count(0)
    assert not Annotation.objects.exists()
    assert Document.objects.get(pk=document.pk).text == pane_text(page)
