"""Text helpers shared by the PDF and Word readers."""

from __future__ import annotations

from ..decode import normalise

_SEP = "\x1f"  # unit separator: survives NFKC and OpenCC, never in a document's text


def is_cjk(ch: str) -> bool:
    return (
        "\u2e80" <= ch <= "\u9fff"
        or "\uf900" <= ch <= "\ufaff"
        or "\uff00" <= ch <= "\uffef"
        or "\u3000" <= ch <= "\u303f"
        or ch in "“”‘’、。，；：（）《》"
    )


def join_cell_lines(lines: list[str]) -> str:
    """The lines of one cell (or one wrapped title) as one string: no space where a line of Chinese
    wraps (`只计这一情` + `形`), one space elsewhere (`2024` + `年`, `Open` + `Data`)."""
    out = ""
    for ln in lines:
        ln = ln.strip()
        if not ln:
            continue
        if out and not (is_cjk(out[-1]) or is_cjk(ln[0])):
            out += " "
        out += ln
    return out


def normalise_all(texts: list[str]) -> tuple[list[str], bool]:
    """NFKC and traditional -> simplified for many strings in one pass; (strings, was_traditional)."""
    if not texts:
        return [], False
    joined = _SEP.join(t.replace(_SEP, " ") for t in texts)
    norm, traditional = normalise(joined)
    out = norm.split(_SEP)
    if len(out) != len(texts):  # cannot happen with NFKC/t2s; keep the originals if it ever does
        return list(texts), traditional
    return out, traditional
