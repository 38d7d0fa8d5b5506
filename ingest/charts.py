"""The charts page: `data/docs/report/index.html`, drawn from the published warehouse's marts.

    python -m ingest.charts [WAREHOUSE] [OUT_FILE]

One static HTML file, readable with no network and no script: each chart is an altair (Vega-Lite)
spec rendered to SVG here, at build time, by vl-convert (Vega's own renderer, bundled in the
wheel; `allowed_base_urls=[]`, so it loads nothing), and written inline into the page. The page
carries a Content-Security-Policy that forbids every fetch, so opening it never reaches the network
either.

Every figure says which reports it covers ("N reports from M agencies, years A–B"): the
agency-years (one report each, the one `mart_agency_year` uses) that have the value drawn.

Rates are the marts' own columns (the formulas live once, in dbt). A rate over several
agency-years (a year, a province) is *pooled*: Σ(rate × its denominator) / Σ denominator over the
agency-years that have the rate, which is Σ numerator / Σ denominator, the way `mart_region_year`
pools (each request weighs the same), and it is labelled pooled. Only the denominator of each rate
is named here (`POOLED_RATES`); a test holds the result to `mart_region_year`'s pooled rates.

Pure Python + duckdb, altair and vl-convert, no Dagster; the caller holds the data folder's writer
lock.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from .export import atomic_path, build_info

MART = "marts.mart_agency_year"
TOP_AGENCIES = 15
BIN_WIDTH = 0.05  # the disclosure-rate histogram: 5 percentage points a bar
SEVERITY_COLOURS = {"error": "#c0392b", "warning": "#e67e22", "info": "#95a5a6"}
FONT = "sans-serif"  # the browser falls back per glyph (a CJK font for the Chinese names)


@dataclass(frozen=True)
class PooledRate:
    rate: str  # a rate column of mart_agency_year
    denominator: str  # the count column it divides by (the dbt model's formula, not restated here)
    label_zh: str
    label_en: str

    def sql(self) -> str:
        """Σ numerator / Σ denominator of the agency-years that have the rate (NULL when none)."""
        having = f"filter (where {self.rate} is not null)"
        return f"sum({self.rate} * {self.denominator}) {having} / nullif(sum({self.denominator}) {having}, 0)"

    @property
    def label(self) -> str:
        return f"{self.label_zh} {self.label_en} (pooled)"


POOLED_RATES = (
    PooledRate("disclosure_rate", "requests_total_processed", "公开率", "disclosure"),
    PooledRate("reconsideration_correction_rate", "reconsideration_total", "复议纠错率", "reconsideration correction"),
    PooledRate("litigation_correction_rate", "litigation_total", "诉讼纠错率", "litigation correction"),
)
DISCLOSURE = POOLED_RATES[0]


@dataclass(frozen=True)
class Coverage:
    reports: int
    agencies: int
    first_year: int | None
    last_year: int | None

    def text(self) -> str:
        if not self.reports:
            return "no reports · 无报告"
        years = (
            f"year {self.first_year}"
            if self.first_year == self.last_year
            else f"years {self.first_year}–{self.last_year}"
        )
        years_zh = f"{self.first_year}" if self.first_year == self.last_year else f"{self.first_year}–{self.last_year}"
        return (
            f"{self.reports:,} report{'s' if self.reports != 1 else ''} from {self.agencies:,} "
            f"agenc{'ies' if self.agencies != 1 else 'y'}, {years} · "
            f"{self.reports:,} 份报告，{self.agencies:,} 个机关，{years_zh} 年"
        )


def coverage(
    con: duckdb.DuckDBPyConnection, where: str = "true", table: str = MART, params: Sequence[Any] = ()
) -> Coverage:
    """The reports (one per agency-year) of `table` whose rows pass `where`."""
    row = con.execute(
        f"select count(distinct report_id), count(distinct agency_id), min(report_year), max(report_year) "
        f"from {table} where {where}",
        list(params),
    ).fetchone()
    reports, agencies, first, last = row if row else (0, 0, None, None)
    return Coverage(int(reports), int(agencies), first, last)


@dataclass
class Figure:
    id: str
    title: str
    note: str
    body: str  # inline SVG or an HTML table
    coverage: list[str]  # one line per series when they cover different reports
    kind: str = "chart"  # chart | table


# --- the data ---------------------------------------------------------------------------------------
def df(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def pooled_by(
    con: duckdb.DuckDBPyConnection, keys: Sequence[str], rates: Sequence[PooledRate] = POOLED_RATES
) -> pd.DataFrame:
    """The pooled rates grouped by `keys` (columns of mart_agency_year), with how many agency-years
    have each rate (`n_<rate>`)."""
    group = ", ".join(keys)
    measures = ", ".join(f"{r.sql()} as {r.rate}, count({r.rate}) as n_{r.rate}" for r in rates)
    return df(con, f"select {group}, {measures} from {MART} group by {group} order by {group}")


# --- the charts -------------------------------------------------------------------------------------
def render_svg(chart: Any) -> str:
    """A Vega-Lite chart as an SVG string, rendered here; nothing is fetched."""
    import vl_convert

    spec = chart.to_dict()
    svg: str = vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])
    return svg


def _alt():
    import altair as alt

    return alt


def _configure(chart: Any) -> Any:
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=11, titleFontSize=12)
        .configure_legend(labelFontSize=11, titleFontSize=12)
        .configure_view(stroke=None)
    )


def requests_by_year(con: duckdb.DuckDBPyConnection) -> Figure:
    alt = _alt()
    data = df(
        con,
        f"select report_year, sum(requests_new) as requests_new, count(*) as agency_years "
        f"from {MART} where requests_new is not null group by 1 order by 1",
    )
    cover = coverage(con, "requests_new is not null")
    body = _empty()
    if not data.empty:
        data["year"] = data["report_year"].astype(str)
        base = alt.Chart(data).encode(
            x=alt.X("year:O", title="report year 报告年度", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("requests_new:Q", title="new requests 新收申请", axis=alt.Axis(format=",d")),
        )
        bars = base.mark_bar(color="#3b6ea8").encode(
            tooltip=["year:O", alt.Tooltip("requests_new:Q", format=","), "agency_years:Q"]
        )
        labels = base.mark_text(dy=-6, fontSize=11).encode(text=alt.Text("requests_new:Q", format=","))
        body = render_svg(_configure((bars + labels).properties(width=620, height=260)))
    return Figure(
        "requests-by-year",
        "新收政府信息公开申请 · New requests by year",
        "Sum of table 3's new requests (本年新收政府信息公开申请数量, total column) over the agency-years that printed it.",
        body,
        [cover.text()],
    )


def rates_by_year(con: duckdb.DuckDBPyConnection) -> Figure:
    alt = _alt()
    wide = pooled_by(con, ["report_year"])
    rows = []
    for r in POOLED_RATES:
        for rec in wide.itertuples():
            value = getattr(rec, r.rate)
            if pd.notna(value):
                rows.append(
                    {
                        "year": str(rec.report_year),
                        "rate": r.label,
                        "value": float(value),
                        "n": int(getattr(rec, f"n_{r.rate}")),
                    }
                )
    data = pd.DataFrame(rows)
    body = _empty()
    if not data.empty:
        order = [r.label for r in POOLED_RATES]
        enc = {
            "x": alt.X("year:O", title="report year 报告年度", axis=alt.Axis(labelAngle=0)),
            "y": alt.Y("value:Q", title="pooled rate 合计比率", axis=alt.Axis(format="%")),
            "color": alt.Color(
                "rate:N",
                title=None,
                sort=order,
                scale=alt.Scale(domain=order, range=["#3b6ea8", "#d1822e", "#5a9e5a"]),
                legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=0),
            ),
        }
        lines = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=60)).encode(**enc)
        body = render_svg(_configure(lines.properties(width=620, height=260)))
    lines_cover = [f"{r.label_en}: {coverage(con, f'{r.rate} is not null').text()}" for r in POOLED_RATES]
    return Figure(
        "rates-by-year",
        "公开率与纠错率 · Disclosure and correction rates by year (pooled)",
        "Pooled: Σ numerator / Σ denominator of the agency-years that have the rate (each request or case "
        "weighs the same), from mart_agency_year's rate columns: disclosure = granted + partially granted "
        "over processed requests; correction = corrected over reconsideration or litigation cases.",
        body,
        lines_cover,
    )


def disclosure_distribution(con: duckdb.DuckDBPyConnection) -> Figure:
    alt = _alt()
    bins = round(1 / BIN_WIDTH)
    # a rate of exactly 100% goes in the last bar (95–100%), not a bar of its own
    data = df(
        con,
        f"""select bin, bin * {BIN_WIDTH} as bin_start, (bin + 1) * {BIN_WIDTH} as bin_end, count(*) as agency_years
            from (select case when disclosure_rate = 1 then {bins - 1} else floor(disclosure_rate * {bins}) end as bin
                  from {MART} where disclosure_rate is not null)
            group by bin order by bin""",
    )
    (median,) = con.execute(f"select median(disclosure_rate) from {MART}").fetchone() or (None,)
    cover = coverage(con, "disclosure_rate is not null")
    body = _empty()
    if not data.empty:
        bars = (
            alt.Chart(data)
            .mark_bar(color="#3b6ea8", binSpacing=1)
            .encode(
                x=alt.X(
                    "bin_start:Q",
                    bin="binned",
                    title="disclosure rate of the agency-year 机关年度公开率",
                    axis=alt.Axis(format="%", tickCount=10),
                    scale=alt.Scale(domain=[0, max(1.0, float(data["bin_end"].max()))]),
                ),
                x2="bin_end:Q",
                y=alt.Y("agency_years:Q", title="agency-years 机关年度数"),
            )
        )
        chart = bars
        if median is not None:
            mark = pd.DataFrame({"median": [float(median)], "label": [f"median 中位数 {median:.0%}"]})
            rule = alt.Chart(mark).mark_rule(color="#c0392b", strokeDash=[4, 3]).encode(x="median:Q")
            text = (
                alt.Chart(mark)
                .mark_text(align="left", dx=4, color="#c0392b", fontSize=11)
                .encode(x="median:Q", y=alt.value(-8), text="label:N")
            )
            chart = bars + rule + text
        body = render_svg(_configure(chart.properties(width=620, height=240)))
    return Figure(
        "disclosure-distribution",
        "各机关公开率分布 · Disclosure rates across agencies",
        f"One agency-year, one count: mart_agency_year.disclosure_rate in bars of {BIN_WIDTH:.0%}; "
        "agency-years that processed no request have no rate.",
        body,
        [cover.text()],
    )


def top_agencies(con: duckdb.DuckDBPyConnection, n: int = TOP_AGENCIES) -> Figure:
    alt = _alt()
    data = df(
        con,
        f"""with ranked as (
                select agency_id, sum(requests_new) as total from {MART}
                where requests_new is not null group by 1 order by total desc, agency_id limit ?
            )
            select m.agency_id, coalesce(a.agency_name, m.agency_name) as agency_name,
                   coalesce(m.province_name, '') as province_name,
                   m.report_year, m.requests_new, ranked.total
            from {MART} as m
            join ranked using (agency_id)
            left join marts.dim_agency as a using (agency_id)
            where m.requests_new is not null
            order by ranked.total desc, m.agency_id, m.report_year""",
        [n],
    )
    ids = list(dict.fromkeys(data["agency_id"])) if not data.empty else []
    cover = coverage(con, "requests_new is not null and list_contains(?, agency_id)", params=[ids])
    body = _empty()
    if not data.empty:
        names = data.drop_duplicates("agency_id").set_index("agency_id")
        dup = names["agency_name"].duplicated(keep=False)
        label = {
            agency: f"{row.agency_name}（{row.province_name}）"
            if dup[agency] and row.province_name
            else row.agency_name
            for agency, row in names.iterrows()
        }
        data["agency"] = data["agency_id"].map(label)
        data["year"] = data["report_year"].astype(str)
        order = [label[a] for a in ids]
        totals = data.drop_duplicates("agency_id")[["agency", "total"]]
        bars = (
            alt.Chart(data)
            .mark_bar()
            .encode(
                y=alt.Y("agency:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
                x=alt.X(
                    "requests_new:Q",
                    title="new requests, all years 新收申请（各年合计）",
                    axis=alt.Axis(format=",d"),
                    scale=_room(totals["total"].max()),
                ),
                color=alt.Color("year:O", title="year 年度", scale=alt.Scale(scheme="blues")),
                order=alt.Order("year:O"),
            )
        )
        text = (
            alt.Chart(totals)
            .mark_text(align="left", dx=4, fontSize=11)
            .encode(y=alt.Y("agency:N", sort=order), x="total:Q", text=alt.Text("total:Q", format=","))
        )
        body = render_svg(_configure((bars + text).properties(width=520, height=max(120, 22 * len(order)))))
    return Figure(
        "top-agencies",
        f"新收申请最多的 {n} 个机关 · The top {n} agencies by new requests",
        "New requests summed over every year the agency reported, one colour a year; names as dim_agency prints them most often.",
        body,
        [cover.text()],
    )


def findings_by_code(con: duckdb.DuckDBPyConnection) -> Figure:
    alt = _alt()
    data = df(
        con,
        """select code, severity, count(*) as findings, count(distinct report_id) as reports
           from marts.fct_report_findings group by 1, 2 order by reports desc, findings desc, code""",
    )
    cover = coverage(con, "true", "marts.fct_report_findings")
    (total,) = con.execute("select count(*) from marts.fct_report_findings").fetchone() or (0,)
    body = _empty()
    if not data.empty:
        data["label"] = [f"{r:,} · {f:,}" for r, f in zip(data["reports"], data["findings"])]
        order = list(dict.fromkeys(data["code"]))
        severities = [s for s in SEVERITY_COLOURS if s in set(data["severity"])] + sorted(
            set(data["severity"]) - set(SEVERITY_COLOURS)
        )
        base = alt.Chart(data).encode(
            y=alt.Y("code:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "reports:Q",
                title="reports with the finding 出现该问题的报告数",
                axis=alt.Axis(format=",d", tickMinStep=1),
                scale=_room(data["reports"].max()),
            ),
        )
        bars = base.mark_bar().encode(
            color=alt.Color(
                "severity:N",
                title="severity 严重程度",
                scale=alt.Scale(domain=severities, range=[SEVERITY_COLOURS.get(s, "#7f8c8d") for s in severities]),
            )
        )
        text = base.mark_text(align="left", dx=4, fontSize=11).encode(text="label:N")
        body = render_svg(_configure((bars + text).properties(width=520, height=max(120, 22 * len(order)))))
    return Figure(
        "findings-by-code",
        "报告问题 · Findings by code",
        f"What the parser and the warehouse found wrong or notable in the reports ({total:,} findings). "
        "Bars: reports with the code; labels: reports · findings.",
        body,
        [f"{cover.text()} (reports with at least one finding)"],
    )


def province_year_table(con: duckdb.DuckDBPyConnection) -> Figure:
    data = df(
        con,
        """select region_code, region_name, report_year, agencies_reporting, disclosure_rate
           from marts.mart_region_year where level = 'province'
           order by region_code = 'unknown', region_code, report_year""",
    )
    totals = pooled_by(con, ["report_year"], [DISCLOSURE]).set_index("report_year")
    counts = df(con, f"select report_year, count(*) as n from {MART} group by 1").set_index("report_year")["n"]
    cover = coverage(con)
    if data.empty:
        body = _empty()
    else:
        years = list(range(int(data["report_year"].min()), int(data["report_year"].max()) + 1))
        peak = max(int(data["agencies_reporting"].max()), 1)
        cells = {(r.region_code, int(r.report_year)): r for r in data.itertuples()}
        head = "".join(f"<th scope='col'>{y}</th>" for y in years)
        lines = [f"<thead><tr><th scope='col'>province 省份</th>{head}</tr></thead><tbody>"]
        for code, name in dict.fromkeys(zip(data["region_code"], data["region_name"])):
            tds = []
            for y in years:
                r = cells.get((code, y))
                if r is None:
                    tds.append("<td class='none'>–</td>")
                    continue
                shade = 0.08 + 0.5 * int(r.agencies_reporting) / peak
                tds.append(
                    f"<td style='background:rgba(59,110,168,{shade:.2f})'>{int(r.agencies_reporting):,}"
                    f"<small>{_pct(r.disclosure_rate)}</small></td>"
                )
            lines.append(f"<tr><th scope='row'>{html.escape(str(name))}</th>{''.join(tds)}</tr>")
        foot = []
        for y in years:
            n = int(counts.get(y, 0))
            rate = totals[DISCLOSURE.rate].get(y) if y in totals.index else None
            foot.append(f"<td>{n:,}<small>{_pct(rate)}</small></td>")
        lines.append(f"</tbody><tfoot><tr><th scope='row'>all 合计</th>{''.join(foot)}</tr></tfoot>")
        body = "<table class='province-year'>" + "".join(lines) + "</table>"
    return Figure(
        "province-year",
        "各省逐年 · Provinces by year",
        "Each cell: agencies reporting (one report each) and, below, the pooled disclosure rate, from "
        "mart_region_year's province rows ('–': no report; an agency whose province is unknown counts "
        "in 未知).",
        body,
        [cover.text()],
        kind="table",
    )


def province_view(con: duckdb.DuckDBPyConnection) -> Figure:
    alt = _alt()
    data = df(
        con,
        f"""select coalesce(province_code, 'unknown') as province_key,
                   coalesce(province_name, '未知') as province,
                   count(*) as agency_years, sum(requests_new) as requests_new,
                   {DISCLOSURE.sql()} as disclosure_rate
            from {MART} group by 1, 2 order by province_key = 'unknown', province_key""",
    )
    (national,) = con.execute(f"select {DISCLOSURE.sql()} from {MART}").fetchone() or (None,)
    cover = coverage(con)
    body = _empty()
    if not data.empty:
        order = list(data["province"])
        height = max(120, 24 * len(order))
        y = alt.Y("province:N", sort=order, title=None)
        requests = (
            alt.Chart(data)
            .mark_bar(color="#3b6ea8")
            .encode(
                y=y,
                x=alt.X(
                    "requests_new:Q",
                    title="new requests 新收申请",
                    axis=alt.Axis(format=",d"),
                    scale=_room(data["requests_new"].max()),
                ),
            )
            .properties(width=300, height=height)
        )
        requests_text = (
            alt.Chart(data)
            .mark_text(align="left", dx=3, fontSize=10)
            .encode(y=y, x="requests_new:Q", text=alt.Text("requests_new:Q", format=","))
        )
        rate_base = alt.Chart(data).encode(
            y=alt.Y("province:N", sort=order, title=None, axis=alt.Axis(labels=False, ticks=False, domain=False)),
            x=alt.X(
                "disclosure_rate:Q",
                title="disclosure rate, pooled 公开率（合计）",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
        )
        rate = rate_base.mark_point(filled=True, size=80, color="#d1822e", opacity=1)
        rate_text = rate_base.mark_text(align="left", dx=7, fontSize=10).encode(
            text=alt.Text("disclosure_rate:Q", format=".0%")
        )
        right = rate + rate_text
        if national is not None:
            mark = pd.DataFrame({"x": [float(national)], "label": [f"all 全部 {national:.0%}"]})
            right = (
                right
                + alt.Chart(mark).mark_rule(color="#7f8c8d", strokeDash=[4, 3]).encode(x="x:Q")
                + alt.Chart(mark)
                .mark_text(align="left", dx=3, dy=-4, color="#7f8c8d", fontSize=10)
                .encode(x="x:Q", y=alt.value(-8), text="label:N")
            )
        chart = alt.hconcat(
            (requests + requests_text), right.properties(width=260, height=height), spacing=24
        ).resolve_scale(y="shared")
        body = render_svg(_configure(chart))
    return Figure(
        "province-view",
        "各省概览 · Provinces",
        "Left: new requests, all years; right: the pooled disclosure rate of the province's agency-years, "
        "all years, against all provinces together (dashed).",
        body,
        [cover.text()],
    )


FIGURES: tuple[Callable[[duckdb.DuckDBPyConnection], Figure], ...] = (
    requests_by_year,
    rates_by_year,
    disclosure_distribution,
    top_agencies,
    findings_by_code,
    province_year_table,
    province_view,
)


# --- the page ---------------------------------------------------------------------------------------
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body { font-family: system-ui, "Noto Sans CJK SC", "WenQuanYi Zen Hei", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2rem auto; max-width: 1000px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin: 0 0 .3rem; }
.meta, .note, figcaption { color: #555; font-size: .9rem; }
figure { margin: 2rem 0; padding: 1rem 1.2rem; border: 1px solid #e3e3e3; border-radius: 6px; }
figure svg { max-width: 100%; height: auto; display: block; margin: .6rem 0; }
figcaption { border-top: 1px solid #eee; padding-top: .4rem; }
figcaption p { margin: .1rem 0; }
table.province-year { border-collapse: collapse; font-size: .85rem; margin: .6rem 0; }
table.province-year th, table.province-year td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: right; }
table.province-year th[scope=row] { text-align: left; white-space: nowrap; }
table.province-year td small { display: block; color: #444; font-size: .75rem; }
table.province-year td.none { color: #aaa; text-align: center; }
table.province-year tfoot { font-weight: bold; }
nav a { margin-right: .8rem; }
"""


def build_page(con: duckdb.DuckDBPyConnection, figures: Sequence[Figure], source: str) -> str:
    info = build_info(con)
    stamp = (
        f"build {html.escape(str(info.get('build_id', '?')))}, published {html.escape(str(info.get('published_at', '?'))[:19])} UTC, "
        f"parser {html.escape(str(info.get('parser_version', '?')))}"
        if info
        else "a warehouse without build_info"
    )
    made = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    nav = "".join(f"<a href='#{f.id}'>{html.escape(f.title.split(' · ')[-1])}</a>" for f in figures)
    parts = [
        "<!doctype html>",
        "<html lang='zh-CN'><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<title>政府信息公开工作年度报告 · Open Government Information annual reports</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>政府信息公开工作年度报告 · Open Government Information annual reports</h1>",
        f"<p class='meta'>From {html.escape(source)}: {stamp}. Page made {made}. "
        "The tables behind it: data/export/ (Parquet and CSV), or the DuckDB file itself.</p>",
        f"<nav>{nav}</nav>",
    ]
    for f in figures:
        caption = "".join(f"<p class='coverage'>Covers {html.escape(line)}</p>" for line in f.coverage)
        parts.append(
            f"<figure id='{f.id}' class='{f.kind}'><h2>{html.escape(f.title)}</h2>"
            f"<p class='note'>{html.escape(f.note)}</p>{f.body}<figcaption>{caption}</figcaption></figure>"
        )
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_report(warehouse: Path, out_file: Path) -> list[Figure]:
    """Draw every figure from the published warehouse (opened read-only) and write the page in one
    rename. Returns the figures."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        figures = [make(con) for make in FIGURES]
        page = build_page(con, figures, warehouse.name)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out_file) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return figures


def _room(largest: Any) -> Any:
    """A zero-based scale with room past the longest bar for its label."""
    top = float(largest) if largest is not None and pd.notna(largest) else 0.0
    return _alt().Scale(domain=[0, max(top * 1.15, 1.0)])


def _empty() -> str:
    return "<p class='empty'>Nothing to draw yet: the warehouse has no rows for this chart. 暂无数据。</p>"


def _pct(value: Any) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):.0%}"


def main(argv: list[str] | None = None) -> int:
    from .landing import default_data_root
    from .lock import build_lock

    args = sys.argv[1:] if argv is None else argv
    root = default_data_root()
    warehouse = Path(args[0]) if args else Path(os.environ.get("OGI_WAREHOUSE") or root / "warehouse.duckdb")
    out_file = Path(args[1]) if len(args) > 1 else root / "docs" / "report" / "index.html"
    with build_lock(root, "charts"):
        figures = write_report(warehouse, out_file)
    print(f"{out_file}: {len(figures)} figures")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
