"""Readers: one module per source kind, each turning a file into lines and grids of cells.

`html` reads HTML and text pages. PDF and Word files are recognised by their first bytes
(`sniff`), never by the file name, and read by `pdf`, `docx` and `office` (.doc/.wps through
LibreOffice when it is installed); `read` gives the same `Page(lines, grids, title, notes)` shape
as the HTML reader, or no page and an error note when nothing could be read.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from .html import Page

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
RTF_MAGIC = b"{\\rtf"


@dataclass
class Read:
    kind: str  # pdf | docx | doc: the record's source.kind
    page: Page | None  # None when nothing could be read (an error note says why)
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (code, severity, message)
    traditional: bool | None = None


def sniff(data: bytes) -> str | None:
    """`pdf`, `docx` or `doc` from the first bytes; None for anything else (text, HTML, other binary).
    A PDF header may follow some junk (readers accept it within the first 1024 bytes)."""
    head = data[:1024]
    at = head.find(PDF_MAGIC)
    if at >= 0 and b"<" not in head[:at]:  # junk before the header, but not a page that mentions it
        return "pdf"
    if data.startswith(OLE2_MAGIC) or data.lstrip()[:5] == RTF_MAGIC:
        return "doc"
    if data.startswith(ZIP_MAGIC):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return "docx"  # a broken zip: the Word reader reports why it cannot be read
        if "word/document.xml" in names:
            return "docx"
    return None


def read(kind: str, data: bytes) -> Read:
    """Read a file `sniff` recognised. Never raises on bad input: a file that cannot be read gives
    `Read(kind, None, [error note])`."""
    if kind == "pdf":
        from . import pdf

        return pdf.read(data)
    if kind == "docx":
        from . import docx

        return docx.read(data)
    from . import office

    return office.read(data)
