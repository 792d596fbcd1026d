"""A source file of any kind Reader reads, as text and what the file says about itself:
plain text and Markdown as they are; a saved web page reduced to its main text by
trafilatura (or to all of its text); PDF through pypdf; Word (.docx) through python-docx;
a zip of such files, entry by entry. Nothing here fetches anything or writes a file, and
no name from the user or from an archive is used as a file name."""

from __future__ import annotations

import datetime
import io
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from reader import anchoring, sanitize

MAX_PDF_PAGES = 2_000
# A .docx is a zip: bounded like an uploaded zip (its XML inflates).
MAX_DOCX_UNCOMPRESSED = 50 * 1024 * 1024
# A zip of sources: entries, bytes once inflated, and inflation per entry.
MAX_ZIP_ENTRIES = 500
MAX_ZIP_UNCOMPRESSED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 100

ERROR_TYPE = "“{name}” is not a kind of file Reader reads (it reads {kinds})."
ERROR_TOO_BIG = "“{name}” is {size:,} bytes; the limit is {limit:,} bytes."
ERROR_ENCODING = "“{name}” is not UTF-8 text. Save it as UTF-8 and try again."
ERROR_EMPTY = "“{name}” holds no text."
ERROR_CHARACTERS = "“{name}” contains {what}, which cannot be stored."
ERROR_PDF_UNREADABLE = "“{name}” is not a PDF Reader can read ({reason})."
ERROR_PDF_ENCRYPTED = "“{name}” is an encrypted PDF: save it without a password and try again."
ERROR_PDF_NO_TEXT = (
    "“{name}” has no text layer: it looks like a scanned PDF, and Reader does not read "
    "text from images (no OCR). Run it through OCR first, or paste its text."
)
ERROR_PDF_PAGES = "“{name}” has {pages:,} pages; the limit is {limit:,}."
ERROR_DOCX_UNREADABLE = "“{name}” is not a Word (.docx) file Reader can read."
ERROR_ZIP_UNREADABLE = "“{name}” is not a zip file Reader can read."
ERROR_ZIP_ENTRIES = "“{name}” holds {count:,} files; the limit is {limit:,}."
ERROR_ZIP_SIZE = "“{name}” inflates to more than {limit:,} bytes."
ERROR_ZIP_RATIO = "“{name}” is compressed more than {limit}:1 (a zip bomb?)."
ERROR_ZIP_NESTED = "“{name}” is a zip inside a zip, which Reader does not open."
ERROR_ZIP_ENCRYPTED = "“{name}” is encrypted."


class SourceRefused(ValueError):
    """A file that cannot be read as a source; the message says why, to the user."""


@dataclass(frozen=True)
class Extracted:
    """A source's text (normalised as stored) and the metadata its file carries."""

    text: str
    kind: str  # text, html, pdf, docx
    title: str = ""
    author: str = ""
    site: str = ""
    published: datetime.date | None = None
    url: str = ""


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _refused(ERROR_ENCODING, name) from error


def _date(value: object) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str) and value:
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _plain(name: str, data: bytes, all_text: bool) -> Extracted:
    return Extracted(text=_decode(name, data), kind="text")


def _page_markup(data: bytes) -> str:
    """A saved page's markup: UTF-8, else the encoding it declares or seems to have."""
    from trafilatura.utils import decode_file

    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return decode_file(data)


def _html(name: str, data: bytes, all_text: bool) -> Extracted:
    """The page's main text (trafilatura: no fetching, scripts and styles dropped, never
    run); with `all_text`, or when no main text is found, all its readable text."""
    import trafilatura

    markup = _page_markup(data)
    found = trafilatura.bare_extraction(
        markup,
        with_metadata=True,
        favor_recall=False,
        include_comments=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        deduplicate=False,
    )
    main = getattr(found, "text", None) or ""
    text = sanitize.html_to_text(markup) if all_text or not main.strip() else main
    return Extracted(
        text=text,
        kind="html",
        title=getattr(found, "title", None) or "",
        author=getattr(found, "author", None) or "",
        site=getattr(found, "sitename", None) or "",
        published=_date(getattr(found, "date", None)),
        url=getattr(found, "url", None) or "",
    )


def _pdf(name: str, data: bytes, all_text: bool) -> Extracted:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        pdf = PdfReader(io.BytesIO(data))
        if pdf.is_encrypted:
            raise _refused(ERROR_PDF_ENCRYPTED, name)
        if len(pdf.pages) > MAX_PDF_PAGES:
            raise _refused(ERROR_PDF_PAGES, name, pages=len(pdf.pages), limit=MAX_PDF_PAGES)
        pages = [page.extract_text() or "" for page in pdf.pages]
        info = pdf.metadata
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as error:
        if isinstance(error, SourceRefused):
            raise
        raise _refused(ERROR_PDF_UNREADABLE, name, reason=error) from error
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise _refused(ERROR_PDF_NO_TEXT, name)
    return Extracted(
        text=text,
        kind="pdf",
        title=str(info.title or "") if info else "",
        author=str(info.author or "") if info else "",
        published=_date(info.creation_date) if info else None,
    )


def _docx(name: str, data: bytes, all_text: bool) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(entry.file_size for entry in archive.infolist()) > MAX_DOCX_UNCOMPRESSED:
                raise _refused(ERROR_ZIP_SIZE, name, limit=MAX_DOCX_UNCOMPRESSED)
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, KeyError, ValueError) as error:
        raise _refused(ERROR_DOCX_UNREADABLE, name) from error
    paragraphs = [paragraph.text.strip() for paragraph in document.paragraphs]
    properties = document.core_properties
    return Extracted(
        text="\n\n".join(paragraph for paragraph in paragraphs if paragraph),
        kind="docx",
        title=properties.title or "",
        author=properties.author or "",
        # Not `created`: that is when the file was made (python-docx's own template says
        # 2013), not when the source was published.
    )


Reader = Callable[[str, bytes, bool], Extracted]
# Suffix → reader; the form, the multi-file upload, zips and import_texts all use this.
READERS: dict[str, Reader] = {
    ".txt": _plain,
    ".md": _plain,
    ".html": _html,
    ".htm": _html,
    ".pdf": _pdf,
    ".docx": _docx,
}
SUFFIXES = frozenset(READERS)
KINDS_TEXT = ", ".join(sorted(SUFFIXES))


def suffix(name: str) -> str:
    return posixpath.splitext(name.lower())[1]


def _refused(message: str, name: str, **values) -> SourceRefused:
    """The refusal of a file, its name isolated for bidirectional text (sanitize.isolate)."""
    return SourceRefused(message.format(name=sanitize.isolate(name), **values))


def read_source(name: str, data: bytes, *, limit: int, all_text: bool = False) -> Extracted:
    """The text and metadata of one file, by the suffix of its name; SourceRefused, saying
    why, for a file of another kind, too big, undecodable, empty or with characters that
    cannot be stored. `all_text` keeps a web page's menus and footers too."""
    reader = READERS.get(suffix(name))
    if reader is None:
        raise _refused(ERROR_TYPE, name, kinds=KINDS_TEXT)
    if len(data) > limit:
        raise _refused(ERROR_TOO_BIG, name, size=len(data), limit=limit)
    extracted = reader(name, data, all_text)
    text = anchoring.normalise_text(extracted.text)
    if not text.strip():
        raise _refused(ERROR_EMPTY, name)
    if bad := anchoring.unacceptable_characters(text):
        raise _refused(ERROR_CHARACTERS, name, what=bad)
    return replace(
        extracted,
        text=text,
        title=" ".join(extracted.title.split()),
        author=" ".join(extracted.author.split()),
        site=" ".join(extracted.site.split()),
    )


def base_name(path: str) -> str:
    """The last part of a path from an upload or an archive, as text for a title or an
    origin: never used to name a file."""
    return posixpath.basename(path.replace("\\", "/")).replace("\x00", "").strip()


def zip_entries(name: str, data: bytes) -> Iterator[tuple[str, bytes | SourceRefused]]:
    """The files of a zip, as (base name, bytes) or (base name, why it is refused):
    folders and hidden files skipped, nested zips and encrypted entries refused. The whole
    zip is refused (SourceRefused) past MAX_ZIP_ENTRIES entries, MAX_ZIP_UNCOMPRESSED bytes
    once inflated, or an entry inflating more than MAX_ZIP_RATIO times; sizes are checked
    while reading too, not only as the archive declares them."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise _refused(ERROR_ZIP_UNREADABLE, name) from error
    with archive:
        entries = [entry for entry in archive.infolist() if not entry.is_dir()]
        if len(entries) > MAX_ZIP_ENTRIES:
            raise _refused(ERROR_ZIP_ENTRIES, name, count=len(entries), limit=MAX_ZIP_ENTRIES)
        if sum(entry.file_size for entry in entries) > MAX_ZIP_UNCOMPRESSED:
            raise _refused(ERROR_ZIP_SIZE, name, limit=MAX_ZIP_UNCOMPRESSED)
        if any(e.file_size > MAX_ZIP_RATIO * max(e.compress_size, 1024) for e in entries):
            raise _refused(ERROR_ZIP_RATIO, name, limit=MAX_ZIP_RATIO)
        inflated = 0
        for entry in entries:
            entry_name = base_name(entry.filename)
            if not entry_name or entry_name.startswith(".") or "__MACOSX" in entry.filename:
                continue
            if suffix(entry_name) == ".zip":
                yield (
                    entry_name,
                    _refused(ERROR_ZIP_NESTED, entry_name),
                )
                continue
            if entry.flag_bits & 0x1:
                yield (
                    entry_name,
                    _refused(ERROR_ZIP_ENCRYPTED, entry_name),
                )
                continue
            try:
                content = _read_bounded(archive, entry, MAX_ZIP_UNCOMPRESSED - inflated)
            except SourceRefused:
                raise _refused(ERROR_ZIP_SIZE, name, limit=MAX_ZIP_UNCOMPRESSED) from None
            except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as error:
                yield entry_name, SourceRefused(f"“{entry_name}”: unreadable in the zip ({error}).")
                continue
            inflated += len(content)
            yield entry_name, content


def _read_bounded(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: int) -> bytes:
    """An entry's bytes, refused once they pass `budget` or the size it declared (a lying
    header does not get more)."""
    cap = min(budget, entry.file_size)
    chunks, total = [], 0
    with archive.open(entry) as stream:
        while chunk := stream.read(64 * 1024):
            total += len(chunk)
            if total > cap:
                raise SourceRefused("too big")
            chunks.append(chunk)
    return b"".join(chunks)
