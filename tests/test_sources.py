"""Reading source files of every kind: text, saved web pages, PDF, Word, zips."""

from __future__ import annotations

import datetime
import socket
import zipfile

import pytest

from reader.formats import sources
from reader.formats.sources import SourceRefused, read_source, zip_entries
from tests.sourcefiles import (
    PAGE_MAIN_SENTENCE,
    SAVED_PAGE,
    make_docx,
    make_pdf,
    make_scanned_pdf,
    make_zip,
)

LIMIT = 5 * 1024 * 1024


@pytest.fixture
def no_network(monkeypatch):
    def refused(*args, **kwargs):
        raise AssertionError(f"network access {args[:2]}")

    monkeypatch.setattr(socket.socket, "connect", refused)
    monkeypatch.setattr(socket, "create_connection", refused)
    monkeypatch.setattr(socket, "getaddrinfo", refused)


def test_a_saved_page_comes_in_as_its_main_text_with_its_metadata(no_network):
    page = read_source("strike.html", SAVED_PAGE, limit=LIMIT)
    assert page.kind == "html"
    assert page.text.startswith("Strike kills 33 Turkish soldiers\n")
    assert PAGE_MAIN_SENTENCE in page.text
    for boilerplate in ("World news menu", "Share on Twitter", "Cookie policy"):
        assert boilerplate not in page.text
    for never in ("document.title", "fetch(", "background", "tracker.example"):
        assert never not in page.text
    assert (page.title, page.author, page.site) == (
        "Strike kills 33 Turkish soldiers",
        "Jane Roe",
        "The Wire",
    )
    assert page.published == datetime.date(2020, 2, 28)
    assert page.url == "https://wire.example/2020/02/strike"


def test_all_text_keeps_menus_and_footers_but_never_scripts_or_styles(no_network):
    page = read_source("strike.htm", SAVED_PAGE, limit=LIMIT, all_text=True)
    assert "World news menu" in page.text and "Cookie policy" in page.text
    assert PAGE_MAIN_SENTENCE.split(" in ")[0] in page.text
    assert "document.title" not in page.text and "background" not in page.text
    assert page.title == "Strike kills 33 Turkish soldiers"  # metadata all the same


def test_a_page_in_another_encoding_is_decoded():
    markup = "<html><body><article><p>Caf\u00e9 owners in Idlib said the strike came at night, "
    markup += "and that the convoy had passed an hour before.</p></article></body></html>"
    page = read_source("latin.html", markup.encode("cp1252"), limit=LIMIT)
    assert "Caf\u00e9 owners" in page.text


def test_a_pdf_comes_in_with_its_text_and_metadata():
    data = make_pdf(
        ["Ankara (Reuters) - 33 soldiers", "were killed, the governor said."],
        title="Turkey says 33 soldiers killed",
        author="Reuters staff",
        created="D:20200228093000Z",
    )
    pdf = read_source("report.pdf", data, limit=LIMIT)
    assert pdf.kind == "pdf"
    assert pdf.text == "Ankara (Reuters) - 33 soldiers\nwere killed, the governor said."
    assert (pdf.title, pdf.author) == ("Turkey says 33 soldiers killed", "Reuters staff")
    assert pdf.published == datetime.date(2020, 2, 28)


def test_a_scanned_pdf_gets_a_clear_message():
    with pytest.raises(SourceRefused, match="no text layer.*scanned.*no OCR"):
        read_source("scan.pdf", make_scanned_pdf(), limit=LIMIT)


@pytest.mark.parametrize("data", [b"%PDF", b"not a pdf at all", make_pdf(["x"])[:200]])
def test_a_broken_pdf_is_refused_with_a_message(data):
    with pytest.raises(SourceRefused, match="not a PDF Reader can read|no text layer"):
        read_source("broken.pdf", data, limit=LIMIT)


def test_a_word_document_comes_in_with_its_paragraphs_and_properties():
    data = make_docx(["First paragraph.", "", "Second paragraph."], title="Memo", author="Ana")
    word = read_source("memo.docx", data, limit=LIMIT)
    assert word.text == "First paragraph.\n\nSecond paragraph."
    assert (word.kind, word.title, word.author, word.published) == ("docx", "Memo", "Ana", None)


def test_a_broken_docx_is_refused():
    with pytest.raises(SourceRefused, match="not a Word"):
        read_source("memo.docx", b"PK\x03\x04 broken", limit=LIMIT)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("a.exe", b"MZ", "not a kind of file Reader reads"),
        ("a", b"text", "not a kind of file Reader reads"),
        ("a.txt", b"\xff\xfe bad", "not UTF-8 text"),
        ("a.txt", b"   \n", "holds no text"),
        ("a.txt", b"a\x00b", "NUL bytes"),
        ("a.txt", b"x" * 101, "101 bytes; the limit is 100 bytes"),
    ],
)
def test_files_that_cannot_be_sources_are_refused_with_the_reason(name, data, message):
    with pytest.raises(SourceRefused, match=message):
        read_source(name, data, limit=100)


def test_text_is_normalised_as_stored():
    assert read_source("a.TXT", b"\xef\xbb\xbfCafe\xcc\x81\r\n", limit=LIMIT).text == "Caf\u00e9\n"


def test_a_zip_gives_each_file_by_its_base_name_only():
    data = make_zip(
        {
            "folder/a.txt": b"A",
            "../../etc/b.txt": b"B",
            "/abs/c.md": b"C",
            "win\\d.txt": b"D",
            "folder/": b"",
            ".hidden.txt": b"H",
            "__MACOSX/._a.txt": b"junk",
            "inner.zip": make_zip({"x.txt": b"X"}),
        }
    )
    entries = list(zip_entries("all.zip", data))
    names = [name for name, _ in entries]
    assert names == ["a.txt", "b.txt", "c.md", "d.txt", "inner.zip"]
    assert [content for _, content in entries[:4]] == [b"A", b"B", b"C", b"D"]
    assert isinstance(entries[4][1], SourceRefused)
    assert "zip inside a zip" in str(entries[4][1])


def test_a_zip_with_too_many_files_is_refused(monkeypatch):
    monkeypatch.setattr(sources, "MAX_ZIP_ENTRIES", 3)
    data = make_zip({f"{n}.txt": b"x" for n in range(4)})
    with pytest.raises(SourceRefused, match="holds 4 files; the limit is 3"):
        list(zip_entries("many.zip", data))


def test_a_zip_that_inflates_too_far_is_refused(monkeypatch):
    monkeypatch.setattr(sources, "MAX_ZIP_UNCOMPRESSED", 10_000)
    data = make_zip({"a.txt": b"a" * 6_000, "b.txt": b"b" * 6_000}, compression=zipfile.ZIP_STORED)
    with pytest.raises(SourceRefused, match="inflates to more than 10,000 bytes"):
        list(zip_entries("big.zip", data))


def test_a_zip_bomb_is_refused_by_its_ratio_before_anything_is_read():
    data = make_zip({"bomb.txt": b"\x00" * (20 * 1024 * 1024)})
    assert len(data) < 50_000
    with pytest.raises(SourceRefused, match="compressed more than 100:1"):
        list(zip_entries("bomb.zip", data))


def test_a_zip_whose_header_understates_an_entry_gets_no_more_than_it_declared():
    data = bytearray(make_zip({"a.txt": b"x" * 5000}, compression=zipfile.ZIP_STORED))
    # Declare 10 bytes in the central directory: reading stops there (or fails), never 5000.
    offset = data.rfind(b"PK\x01\x02")
    data[offset + 24 : offset + 28] = (10).to_bytes(4, "little")
    for _, content in zip_entries("liar.zip", bytes(data)):
        assert isinstance(content, SourceRefused) or len(content) <= 10


def test_a_broken_zip_is_refused():
    with pytest.raises(SourceRefused, match="not a zip file"):
        list(zip_entries("broken.zip", b"not a zip"))
