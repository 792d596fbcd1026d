"""The reader with the keyboard alone: sign in, open a seed, move the caret, select a
phrase, write a note, link it to a facet, tag it, go to the next annotation, delete it and
undo; and the caret's steps across emoji, combining marks and right-to-left text."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from reader.models import Annotation, DeletedAnnotation, FacetLink
from reader.vocabularies import Kind
from tests.factories import PASSWORD, AnnotationFactory, DocumentFactory

pytestmark = pytest.mark.browser

# The selection in the pane as [anchor, focus] offsets (UTF-16 units), read, not set.
SELECTION = """() => {
  const pane = document.getElementById("reading-pane");
  const selection = window.getSelection();
  const at = (node, offset) => {
    const range = document.createRange();
    range.setStart(pane, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  };
  if (!selection.rangeCount || !pane.contains(selection.focusNode)) return null;
  return [
    at(selection.anchorNode, selection.anchorOffset),
    at(selection.focusNode, selection.focusOffset),
  ];
}"""


def focused(page: Page, selector: str) -> bool:
    return page.evaluate("(selector) => document.activeElement.matches(selector)", selector)


def tab_to(page: Page, selector: str, *, limit: int = 80, back: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focus is on `selector`."""
    for _ in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press("Shift+Tab" if back else "Tab")
    raise AssertionError(f"Tab never reached {selector}")


def caret(page: Page) -> int:
    return page.evaluate(SELECTION)[1]


def announced(page: Page):
    return expect(page.locator("#reading-announcer"))


def test_the_whole_loop_with_the_keyboard_alone(page, live_server, demo_project, alice):
    document = demo_project.documents.get(title__startswith="Turkish and Syrian soldiers")
    phrase = "five tanks, two armoured personnel carriers"
    start = document.text.index(phrase)
    note = "Materiel losses, per the ministry."
    before = set(document.annotations.values_list("pk", flat=True))

    # Sign in.
    page.goto(f"/accounts/login/?next={document.get_absolute_url()}")
    tab_to(page, "#id_username")
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(live_server.url + document.get_absolute_url())

    # Into the text: a caret at its start; "?" lists the keys.
    tab_to(page, "#reading-pane")
    expect(page.locator("#reading-caret")).to_be_visible()
    page.keyboard.press("?")
    expect(page.locator("#reading-keys")).to_be_visible()
    expect(page.locator("#reading-keys")).to_contain_text("Tag the selection as claim")
    page.keyboard.press("Escape")
    expect(page.locator("#reading-keys")).to_be_hidden()
    assert focused(page, "#reading-pane")

    # Word by word to the phrase, then select it with Shift.
    for _ in range(400):
        if caret(page) >= start:
            break
        page.keyboard.press("Control+ArrowRight")
    page.keyboard.press("Control+ArrowLeft")
    assert caret(page) == start
    for _ in range(6):
        page.keyboard.press("Control+Shift+ArrowRight")
    assert page.evaluate(SELECTION) == [start, start + len(phrase)]
    announced(page).to_have_text(f"Selected: {phrase}")
    toolbar = page.locator("#selection-toolbar")
    expect(toolbar).to_be_visible()
    expect(toolbar.locator("input[name=quote]")).to_have_value(phrase)

    # Enter: the note; then the link to a facet; Esc back to the text; "c" saves.
    page.keyboard.press("Enter")
    assert focused(page, "#selection-toolbar textarea[name=note]")
    page.keyboard.type(note)
    page.keyboard.press("Tab")
    assert focused(page, "#selection-toolbar summary")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused(page, "#selection-toolbar select[name=facet]")
    page.keyboard.type("Turkish r")
    expect(toolbar.locator("select[name=facet] option:checked")).to_have_text("Turkish retaliation")
    page.keyboard.press("Escape")
    assert focused(page, "#reading-pane")
    assert page.evaluate(SELECTION) == [start, start + len(phrase)]
    page.keyboard.press("c")

    announced(page).to_have_text(re.compile(f"^Saved as claim: {phrase}"))
    expect(toolbar).to_be_hidden()
    created = Annotation.objects.exclude(pk__in=before).get(document=document)
    assert (created.kind, created.start, created.end) == (Kind.CLAIM, start, start + len(phrase))
    assert created.quote_exact == phrase
    assert created.note == note
    link = FacetLink.objects.get(annotation=created)
    assert (link.facet.name, link.facet.event.name) == (
        "Turkish retaliation",
        "2020 Balyun airstrikes",
    )
    expect(page.locator(f"#annotation-{created.pk}")).to_have_class(re.compile("is-selected"))
    assert focused(page, "#reading-pane")  # the focus stays in the (new) text

    # j: the next annotation in the text; Enter opens it in the panel.
    following = min(
        (a for a in document.annotations.all() if a.start > created.start), key=lambda a: a.start
    )
    page.keyboard.press("j")
    announced(page).to_contain_text(f"{following.quote_exact[:40]}")
    assert caret(page) == following.start
    item = page.locator(f"#annotation-{following.pk}")
    expect(item).to_have_class(re.compile("is-selected"))
    page.keyboard.press("Enter")
    assert focused(page, f"#annotation-{following.pk}")

    # Delete from the panel: "Moved to trash", and Undo has the focus.
    tab_to(page, f"#annotation-{following.pk} .item-menu > summary")
    page.keyboard.press("Enter")
    tab_to(page, f"#annotation-{following.pk} a[href$='/delete/']")
    page.keyboard.press("Enter")
    expect(item).to_have_count(0)
    expect(page.locator("#reader-notice")).to_contain_text("Moved to trash.")
    expect(page.locator("#undo-delete")).to_be_focused()
    assert not Annotation.objects.filter(pk=following.pk).exists()
    assert DeletedAnnotation.objects.filter(annotation_id=following.pk).exists()

    page.keyboard.press("Enter")
    expect(page.locator(f"#annotation-{following.pk}")).to_have_class(re.compile("is-selected"))
    expect(page.locator("#reader-notice")).to_contain_text("Restored")
    expect(page.locator(f'#reading-pane .hl[data-ann~="{following.pk}"]').first).to_be_attached()
    assert Annotation.objects.filter(pk=following.pk).exists()
    assert set(document.annotations.values_list("pk", flat=True)) == before | {created.pk}


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


FAMILY = "\U0001f469\u200d\U0001f469\u200d\U0001f467"  # woman, woman, girl (ZWJ)
FLAG = "\U0001f1f9\U0001f1f7"  # two regional indicators
Q_DOT = "q\u0307"  # no precomposed form: stays two code points after NFC


@pytest.mark.parametrize(
    ("clusters", "quote", "key"),
    [
        (
            [*"Flags ", FLAG, *" and ", FAMILY, *" or ", Q_DOT, *" too."],
            f"{FLAG} and {FAMILY} or {Q_DOT}",
            "ArrowRight",
        ),
        # Right to left: ArrowLeft reads forward.
        (list("قال المسؤولون إن ثلاثة جنود قتلوا."), "المسؤولون إن", "ArrowLeft"),
    ],
    ids=["emoji-and-combining", "right-to-left"],
)
def test_the_caret_steps_whole_characters_and_offsets_stay_code_points(
    page, login, project, bob, clusters, quote, key
):
    text = "".join(clusters) + "\n"
    document = DocumentFactory(project=project, title="Steps", text=text)
    assert document.text == text
    login(bob)
    page.goto(document.get_absolute_url())
    tab_to(page, "#reading-pane")
    # Every stop is a grapheme boundary: never inside a surrogate pair, a flag, a ZWJ
    # sequence or between a letter and its combining mark.
    boundaries = [utf16("".join(clusters[:n])) for n in range(len(clusters) + 1)]
    positions = [caret(page)]
    for _ in clusters:
        page.keyboard.press(key)
        positions.append(caret(page))
    assert positions == boundaries

    page.keyboard.press("Home")
    assert caret(page) == 0
    quote_start = text.index(quote)
    while caret(page) < utf16(text[:quote_start]):
        page.keyboard.press(key)
    while caret(page) < utf16(text[: quote_start + len(quote)]):
        page.keyboard.press(f"Shift+{key}")
    page.keyboard.press("u")
    expect(page.locator("#annotation-panel .annotation-item")).to_have_count(1)
    annotation = Annotation.objects.get(document=document)
    assert annotation.kind == Kind.USER_COMMENT
    assert (annotation.start, annotation.end) == (quote_start, quote_start + len(quote))
    assert annotation.quote_exact == quote


def test_a_viewer_selecting_is_told_they_are_read_only(page, login, document, bob, carol):
    AnnotationFactory(document=document, author=bob, quote="33 soldiers")
    login(carol)
    page.goto(document.get_absolute_url())
    tab_to(page, "#reading-pane")
    page.keyboard.press("Shift+End")
    expect(page.locator("#reader-notice")).to_have_text(
        "You can read and export; ask an owner to annotate."
    )
    page.keyboard.press("Escape")
    page.keyboard.press("k")  # back from the end of the line to the annotation in it
    announced(page).to_contain_text("33 soldiers")
