"""Renderers: a truth record -> the bytes of one document in a given style, and a dict saying what
was applied. `render` is the one entry point; each module draws one family of forms."""

from __future__ import annotations

import random
from typing import Any

from .. import prose
from ..data import json_data
from . import forms, html, text
from .forms import FORM_STYLES

# The default mix (portal pages and text scraped from them), with its weights. The attachment forms
# (FORM_STYLES: pdf, docx and what PDF tools print) are made on request only, so a seed's default
# corpus stays what it was before they existed.
STYLES = ("html_table", "pipe", "cell_per_line", "glued", "prose_only")
STYLE_WEIGHTS = (45, 20, 12, 8, 15)
ALL_STYLES = STYLES + FORM_STYLES
SPAM_TERMS: tuple[str, ...] = tuple(json_data("chrome.json")["spam_terms"])
# The file extension of each kind of document.
EXTENSIONS = {"html": "html", "text": "txt", "pdf": "pdf", "docx": "docx", "markdown": "md"}


def render(truth: dict, rng: random.Random, style: str | None = None) -> tuple[bytes, dict]:
    """The document bytes and a dict describing what was applied."""
    pre = truth["format_version"] == "pre2019"
    if style is None:
        w = list(STYLE_WEIGHTS)
        if truth.get("broken"):
            w[STYLES.index("glued")] = 0
        style = "prose_only" if pre else rng.choices(STYLES, w)[0]
    if style in FORM_STYLES:
        return forms.render_form(truth, rng, style)
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; one of {', '.join(ALL_STYLES)}")
    if pre:
        style = "prose_only"
    kind = "html" if style == "html_table" or (style == "prose_only" and rng.random() < 0.4) else "text"
    enc = rng.choices(["utf-8", "utf-8-sig", "gbk", "gb18030"], [62, 8, 24, 6])[0]
    meta: dict[str, Any] = {
        "style": style,
        "kind": kind,
        "encoding": enc,
        "meta_charset": None,
        "bom": enc == "utf-8-sig",
        "traditional": False,
        "spam": [],
        "empty_cells": [],
        "noise": [],
        "glued_ambiguous": [],
        "title": True,
        "header_block": False,
    }
    if kind == "html":
        charset = None
        if rng.random() < (0.8 if enc.startswith("gb") else 0.7):
            charset = (
                rng.choice(["gb2312", "gbk", "GBK", "gb2312"])
                if enc.startswith("gb")
                else rng.choice(["utf-8", "UTF-8"])
            )
        meta["meta_charset"] = charset
        doc = html.html_doc(truth, rng, style, meta, charset)
    else:
        doc = text.text_doc(truth, rng, style, meta)
    if rng.random() < 0.05:
        terms = rng.sample(SPAM_TERMS, k=rng.randint(1, 3))
        doc2 = prose.spam(doc, rng, terms)
        if doc2 != doc:
            used = [t for t in terms if t in doc2]
            meta["spam"] = used
            doc = doc2
    if rng.random() < 0.08:
        doc = prose.fw_prose(doc, rng) if kind == "text" else doc
        if kind == "text":
            meta["noise"].append("fullwidth_digits_prose")
    if rng.random() < 0.2:
        doc = prose.s2t(doc)
        meta["traditional"] = True
    if enc.startswith("gb"):
        try:
            data = doc.encode(enc)
        except UnicodeEncodeError:
            enc = "gb18030"
            meta["encoding"] = enc
            data = doc.encode(enc)
    else:
        data = doc.encode(enc)
    meta["bytes"] = len(data)
    return data, meta
