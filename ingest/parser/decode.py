"""Bytes -> normalised simplified-Chinese text.

Order: byte-order mark, strict UTF-8, the charset the page declares (bs4's EncodingDetector),
strict GB18030 (a superset of GB2312 and GBK), then a line-by-line mix for pages stitched from
both. Then NFKC (full-width digits, brackets, colons and spaces become ASCII) and OpenCC t2s
(traditional -> simplified) so that one set of label patterns serves every page.
"""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass, field

from bs4.dammit import EncodingDetector
from opencc import OpenCC

_T2S = OpenCC("t2s")
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


@dataclass
class Decoded:
    text: str
    encoding: str
    traditional: bool
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (code, severity, message)


class NotText(ValueError):
    """The bytes are not a text document (binary, or empty)."""


def looks_binary(data: bytes) -> bool:
    head = data[:65536]
    if not head:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in head:
        return True
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return ctrl / len(head) > 0.05


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def _mixed(data: bytes) -> str:
    """Pages stitched from UTF-8 and GBK parts: decode each line on its own."""
    out = []
    for line in data.split(b"\n"):
        s = _strict(line, "utf-8")
        if s is None:
            s = _strict(line, "gb18030")
        if s is None:
            s = line.decode("utf-8", errors="replace")
        out.append(s)
    return "\n".join(out)


def to_text(data: bytes, is_html_hint: bool = True) -> tuple[str, str, list]:
    """Decode bytes; returns (text, encoding name, notes)."""
    notes: list = []
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(enc, errors="replace"), enc + "-bom", notes
    s = _strict(data, "utf-8")
    if s is not None:
        return s, "utf-8", notes
    declared = EncodingDetector.find_declared_encoding(data[:8192], is_html=is_html_hint, search_entire_document=False)
    declared = (declared or "").lower()
    order = ["gb18030"]
    if declared and declared not in _GB_FAMILY and declared not in ("utf-8", "utf8"):
        order.insert(0, declared)
    for enc in order:
        s = _strict(data, enc)
        if s is not None:
            name = "gb18030" if enc == "gb18030" else enc
            if declared in _GB_FAMILY and enc == "gb18030":
                name = f"gb18030 (declared {declared})"
            return s, name, notes
    notes.append(
        (
            "DECODE_MIXED",
            "warning",
            "bytes are neither valid UTF-8 nor GB18030 throughout; lines were decoded one by one "
            "and undecodable bytes replaced",
        )
    )
    return _mixed(data), "mixed", notes


def normalise(text: str) -> tuple[str, bool]:
    """NFKC + traditional->simplified; returns (text, was_traditional)."""
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    simp = _T2S.convert(text)
    if simp == text:
        return simp, False
    a, b = text[:8000], simp[:8000]
    if len(a) != len(b):
        return simp, True
    changed = sum(1 for x, y in zip(a, b) if x != y)
    cjk = sum(1 for ch in a if "\u4e00" <= ch <= "\u9fff") or 1
    return simp, changed >= 5 and changed / cjk > 0.01


def decode(data: bytes, is_html_hint: bool = True) -> Decoded:
    if not data or not data.strip():
        raise NotText("the file is empty")
    if looks_binary(data):
        raise NotText("the file is binary (NUL or control bytes), not a text or HTML document")
    text, enc, notes = to_text(data, is_html_hint)
    text, trad = normalise(text)
    return Decoded(text=text, encoding=enc, traditional=trad, notes=notes)
