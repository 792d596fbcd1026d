"""Small real source files for the tests, made here rather than shipped: a saved web page,
a PDF with a text layer (written object by object, with its cross-reference table), a
"scanned" PDF holding only an image, a Word document made with python-docx, and zips."""

from __future__ import annotations

import io
import zipfile

SAVED_PAGE = """<!doctype html>
<html><head>
<meta charset="utf-8">
<title>Strike kills 33 Turkish soldiers | The Wire</title>
<meta name="author" content="Jane Roe">
<meta property="og:site_name" content="The Wire">
<meta property="article:published_time" content="2020-02-28T10:00:00Z">
<link rel="canonical" href="https://wire.example/2020/02/strike">
<link rel="stylesheet" href="https://cdn.example/site.css">
<style>body { background: url(https://tracker.example/pixel.png) }</style>
<script src="https://cdn.example/app.js"></script>
<script>document.title = "ran"; fetch("https://tracker.example/beacon");</script>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World news menu</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Strike kills 33 Turkish soldiers</h1>
<p>At least 33 Turkish soldiers were killed in an airstrike in Idlib on Thursday, the
governor of Hatay said, in the deadliest attack on Turkish forces in Syria.</p>
<p>The strike hit a convoy near Balyun, according to officials who spoke on Friday.</p>
<p>Turkey responded with strikes on Syrian government positions across the province.</p>
<img src="https://tracker.example/photo.jpg" alt="">
</article>
<footer>Share on Twitter · Share on Facebook · Cookie policy · Copyright 2020 The Wire</footer>
</body></html>
""".encode()
PAGE_MAIN_SENTENCE = "At least 33 Turkish soldiers were killed in an airstrike in Idlib"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (1 is the catalog, the last the document information)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, len(objects), xref)
    )
    return out.getvalue()


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def _pdf_string(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("latin-1") + b")"


def make_pdf(lines: list[str], *, title: str = "", author: str = "", created: str = "") -> bytes:
    """One page with `lines` in Helvetica, and the title, author and creation date
    (D:YYYYMMDDHHmmSS) in its document information."""
    content = b"BT /F1 12 Tf 72 720 Td 16 TL "
    content += b" ".join(_pdf_string(line) + b" Tj T*" for line in lines) + b" ET"
    info = b"<< "
    if title:
        info += b"/Title " + _pdf_string(title) + b" "
    if author:
        info += b"/Author " + _pdf_string(author) + b" "
    if created:
        info += b"/CreationDate " + _pdf_string(created) + b" "
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            _stream(content),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            info + b">>",
        ]
    )


def make_scanned_pdf() -> bytes:
    """A page that holds only an image (as a scanner makes it): no text layer."""
    pixels = bytes(range(0, 256, 16)) * 16  # 16 x 16 grey
    image = _stream(
        pixels,
        b"/Type /XObject /Subtype /Image /Width 16 /Height 16 "
        b"/ColorSpace /DeviceGray /BitsPerComponent 8 ",
    )
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
            _stream(b"q 400 0 0 400 100 300 cm /Im1 Do Q"),
            image,
            b"<< /Producer (scanner) >>",
        ]
    )


def make_docx(paragraphs: list[str], *, title: str = "", author: str = "") -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.core_properties.title = title
    document.core_properties.author = author
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_zip(files: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()
