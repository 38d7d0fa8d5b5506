"""HTML renderers: a portal article page (navigation, scripts, breadcrumbs, footer) or a page saved
from Word (mso styles, runs split anywhere, CRLF wraps inside words), tables with rowspan/colspan."""

from __future__ import annotations

import html as _html
import random
import string

from .. import prose
from ..data import json_data
from ..data import text as template_text
from ..layouts import Cell, Opts, t2_tables, t3_table, t4_table

CHROME_NAV: list[str] = json_data("chrome.json")["nav"]


def _tmpl(name: str) -> string.Template:
    return string.Template(template_text(name))


CN_NUM = set("零〇一二两三四五六七八九十百千万")


def _cut(text: str, k: int) -> int:
    """A split point at or after k that does not fall inside a run of digits."""
    while 0 < k < len(text) and (
        (text[k - 1].isdigit() and text[k].isdigit()) or (text[k - 1] in CN_NUM and text[k] in CN_NUM)
    ):
        k += 1
    return k


def _wrap(text: str, width: int = 38) -> str:
    """Word's HTML export wraps long runs with CRLF, also between two Chinese characters."""
    out, n = [], 0
    for i, ch in enumerate(text):
        out.append(ch)
        n += 1
        if (
            n >= width
            and i + 1 < len(text)
            and "\u4e00" <= ch <= "\u9fff"
            and "\u4e00" <= text[i + 1] <= "\u9fff"
            and not (ch in CN_NUM and text[i + 1] in CN_NUM)
        ):
            out.append("\r\n")
            n = 0
    return "".join(out)


def _esc(s: str) -> str:
    return _html.escape(s, quote=False)


class _Html:
    def __init__(self, rng: random.Random, word: bool):
        self.rng, self.word = rng, word

    def span(self, text: str, num: bool = False) -> str:
        if not self.word:
            return _esc(text)
        r = self.rng
        if num:
            style = 'font-size:10.0pt;font-family:"Times New Roman",serif;color:black'
            return f"<span lang=EN-US style='{style}'>{_esc(text)}</span>"
        style = "font-size:10.0pt;font-family:宋体;mso-bidi-font-family:宋体;color:black"
        if len(text) > 4 and r.random() < 0.5:
            k = _cut(text, r.randint(1, len(text) - 1))
            return f"<span style='{style}'>{_esc(text[:k])}</span><span style='{style}'>{_esc(text[k:])}</span>"
        return f"<span style='{style}'>{_esc(text)}</span>"

    def para(self, text: str, cls_body: bool = True) -> str:
        if not self.word:
            return (
                f'<p style="text-indent:2em;">{_esc(text)}</p>' if self.rng.random() < 0.7 else f"<p>{_esc(text)}</p>"
            )
        style = (
            'font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:"Times New Roman";'
            'mso-bidi-font-family:"Times New Roman"'
        )
        # Word splits runs wherever formatting (or revision ids) change
        chunks, i = [], 0
        while i < len(text):
            j = _cut(text, min(len(text), i + self.rng.randint(20, 90)))
            chunks.append(f"<span style='{style}'>{_esc(_wrap(text[i:j]))}</span>")
            i = j
        return (
            "<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;"
            "mso-line-height-rule:exactly'>"
            + "".join(chunks)
            + "<span lang=EN-US style='font-size:16.0pt'><o:p></o:p></span></p>"
        )

    def cell(self, c: Cell, width: int) -> str:
        attrs = ""
        if c.rs > 1:
            attrs += f" rowspan={c.rs}" if self.word else f' rowspan="{c.rs}"'
        if c.cs > 1:
            attrs += f" colspan={c.cs}" if self.word else f' colspan="{c.cs}"'
        r = self.rng
        if c.empty:
            inner = (
                r.choice(["", "&nbsp;", " ", "<p>&nbsp;</p>"])
                if not self.word
                else "<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US style='font-size:10.0pt'><o:p>&nbsp;</o:p></span></p>"
            )
        elif c.kind == "value":
            inner = self.span(c.text, num=True)
            if self.word:
                inner = f"<p class=MsoNormal align=center style='text-align:center;mso-pagination:widow-orphan'>{inner}<span lang=EN-US style='font-size:10.0pt'><o:p></o:p></span></p>"
        else:
            parts = [p for p in c.parts]
            if len(parts) > 1:
                if r.random() < 0.5:
                    inner = (
                        "<br>".join(self.span(p) for p in parts)
                        if not self.word
                        else "<p class=MsoNormal align=center style='text-align:center'>"
                        + "<br>".join(self.span(p) for p in parts)
                        + "</p>"
                    )
                else:
                    inner = "".join(
                        f"<p{' class=MsoNormal align=center' if self.word else ''}>{self.span(p)}</p>" for p in parts
                    )
            else:
                inner = self.span(parts[0])
                if self.word:
                    inner = f"<p class=MsoNormal align=center style='text-align:center'>{inner}<span lang=EN-US style='font-size:10.0pt'><o:p></o:p></span></p>"
        if self.word:
            w = 40 + 20 * c.cs
            style = (
                f"width:{w * 0.75:.2f}pt;border:solid windowtext 1.0pt;border-top:none;"
                "mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt"
            )
            return f"<td width={w}{attrs} style='{style}'>{inner}</td>"
        if r.random() < 0.3:
            return f'<td{attrs} style="border:1px solid #000;text-align:center;">{inner}</td>'
        return f"<td{attrs}>{inner}</td>"

    def table(self, rows: list[list[Cell]], meta: dict, misalign: bool) -> str:
        r = self.rng
        out = []
        if self.word:
            out.append(
                "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=620 "
                "style='width:465.0pt;border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
                "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>"
            )
        else:
            out.append(
                r.choice(
                    [
                        '<table border="1" cellspacing="0" cellpadding="0" width="100%">',
                        '<table class="MsoTableGrid" style="border-collapse:collapse;" align="center">',
                        "<table>",
                    ]
                )
            )
        if not self.word and r.random() < 0.5:
            out.append("<tbody>")
        width = max(sum(c.cs for c in row) for row in rows[:1]) if rows else 0
        for i, row in enumerate(rows):
            cells = [self.cell(c, width) for c in row]
            if misalign and i > 2 and r.random() < 0.15 and any(c.kind == "value" for c in row):
                # a stray empty cell after the last value, outside the header's grid
                cells.append("<td></td>" if not self.word else "<td style='border:none'></td>")
                if "trailing_td" not in meta["noise"]:
                    meta["noise"].append("trailing_td")
            tr = f"<tr style='mso-yfti-irow:{i};height:{r.choice([14, 15, 20, 28])}.25pt'>" if self.word else "<tr>"
            out.append(tr + "".join(cells) + "</tr>")
        if "<tbody>" in out[1:2]:
            out.append("</tbody>")
        out.append("</table>")
        return "\n".join(out)


def _misalign_t3(rows: list[list[Cell]], rng: random.Random, meta: dict) -> None:
    """Stage rows whose label spans one column less than the header: values shift left."""
    for row in rows[3:]:
        if row[0].cs == 3 and rng.random() < 0.5:
            row[0].cs = 2
            if "short_label_colspan" not in meta["noise"]:
                meta["noise"].append("short_label_colspan")


def html_doc(truth: dict, rng: random.Random, style: str, meta: dict, charset: str | None) -> str:
    o = Opts(rng, style)
    word = rng.random() < 0.3
    standalone_word = word and rng.random() < 0.3
    meta["word"] = word
    h = _Html(rng, word)
    title_present = rng.random() < 0.85
    meta["title"] = title_present
    pre = truth["format_version"] == "pre2019"
    title = prose.title(truth, rng)
    misalign = style == "html_table" and rng.random() < 0.12
    if pre:
        intro = prose.pre2019_intro(truth)
        secs = prose.pre2019_sections(truth, rng, title_present)
    else:
        intro, secs = prose.sections(truth, rng, title_present)
    content: list[str] = []
    if title_present and (standalone_word or rng.random() < 0.3):
        if word:
            content.append(
                "<p class=MsoNormal align=center style='text-align:center;line-height:28.0pt;mso-line-height-rule:exactly'>"
                f"<b><span style='font-size:22.0pt;font-family:方正小标宋简体'>{_esc(title)}</span></b>"
                "<b><span lang=EN-US style='font-size:22.0pt'><o:p></o:p></span></b></p>"
            )
        else:
            content.append(f'<p style="text-align:center;"><strong>{_esc(title)}</strong></p>')
    if title_present or rng.random() < 0.5:
        content.append(h.para(intro))
    for si, (head, paras) in enumerate(secs):
        if word:
            content.append(
                "<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'><b><span style='font-size:16.0pt;font-family:黑体'>"
                f"{_esc(head)}</span></b><span lang=EN-US style='font-size:16.0pt'><o:p></o:p></span></p>"
            )
        else:
            content.append(
                rng.choice(
                    [
                        f"<p><strong>{_esc(head)}</strong></p>",
                        f"<h3>{_esc(head)}</h3>",
                        f'<p style="text-indent:2em;"><b>{_esc(head)}</b></p>',
                    ]
                )
            )
        for p in paras:
            content.append(h.para(p))
        if not pre and 1 <= si <= 3:
            if style == "prose_only":
                content.append(
                    f'<p style="text-align:center"><img src="/picture/0/{rng.randint(10**11, 10**12)}.jpg" '
                    f'width="{rng.randint(550, 700)}" alt="" /></p>'
                )
                continue
            if si == 1:
                tbls = t2_tables(truth, o)
            elif si == 2:
                tbls = [t3_table(truth, o)]
                if misalign:
                    _misalign_t3(tbls[0], rng, meta)
            else:
                tbls = [t4_table(truth, o)]
            for t in tbls:
                content.append(h.table(t, meta, misalign))
                if word:
                    content.append("<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>")
    sig_align = "right"
    content.append(
        f'<p style="text-align:{sig_align}">{_esc(truth["agency_name"])}</p>'
        f'<p style="text-align:{sig_align}">{_esc(prose.date_cn(truth["published_date"]))}</p>'
    )
    body_html = "\n".join(content)
    meta["empty_cells"] = o.empty_cells
    meta["noise"] += o.noise
    charset_meta = ""
    if charset:
        charset_meta = (
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}" />'
            if rng.random() < 0.6
            else f'<meta charset="{charset}">'
        )
    head_title = (
        title if title_present else rng.choice(["政府信息公开年报", f"{truth['region']['city']}人民政府门户网站"])
    )
    if standalone_word:
        meta["page"] = "word"
        props = template_text("word_props.xml").format(
            author=rng.choice(["Administrator", "user", "dell", "lenovo"]),
            rev=rng.randint(2, 30),
            tt=rng.randint(5, 600),
            y=truth["report_year"] + 1,
            d=rng.randint(1, 28),
            h=rng.randint(1, 9),
            pages=rng.randint(4, 12),
            words=rng.randint(800, 9000),
            chars=rng.randint(4000, 50000),
            lines=rng.randint(100, 900),
            paras=rng.randint(20, 200),
        )
        return _tmpl("word_page.html").substitute(
            charset_meta=charset_meta,
            title=_esc(head_title),
            props=props,
            style=template_text("word_style.html"),
            body=body_html,
        )
    meta["page"] = "portal"
    city = truth["region"]["city"]
    nav = "".join(
        f'<li><a href="/col/col{rng.randint(1000, 99999)}/index.html" target="_blank">{n}</a></li>' for n in CHROME_NAV
    )
    info_tbl = ""
    if rng.random() < 0.5:
        hb = prose.header_block(truth, rng)
        meta["header_block"] = True
        info_tbl = (
            '<table class="xxgk_table" width="100%"><tr><td>'
            + "</td></tr><tr><td>".join(_esc(x) for x in hb)
            + "</td></tr></table>"
        )
    scripts = [_tmpl("portal_stats.js.html").substitute(key=f"{rng.getrandbits(128):032x}")]
    if rng.random() < 0.4:
        scripts.append(
            "<script>\nvar shareTitle = '" + head_title.replace("'", "") + "';\n"
            "document.write('<table class=\"share\"><tr><td>分享到：</td><td>微信</td><td>微博</td></tr></table>');\n"
            "</script>"
        )
        meta["noise"].append("script_table")
    article = _tmpl("portal_article.html").substitute(
        title=_esc(title) if title_present else "",
        pubdate=truth["published_date"],
        city=_esc(city),
        info_table=info_tbl,
        body=body_html,
    )
    if not title_present:
        article = article.replace('<h1 class="title" id="ivs_title"></h1>', "")
    if rng.random() < 0.35:
        meta["noise"].append("layout_table")
        article = (
            '<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td valign="top">'
            '<table width="100%" border="0" cellspacing="0" cellpadding="0"><tr><td class="bt_content">'
            + article
            + "</td></tr></table></td></tr></table>"
        )
    footer = "</p><p>".join(_esc(x) for x in prose.footer_lines(truth, rng))
    return _tmpl("portal_page.html").substitute(
        charset_meta=charset_meta,
        title=_esc(head_title),
        city=_esc(city),
        pubdate=truth["published_date"],
        nav=nav,
        article=article,
        footer=footer,
        scripts="\n".join(scripts),
    )
