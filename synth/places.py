"""Agencies: a place (province, city, county, town) and a body, named the way reports name them."""

from __future__ import annotations

import random

from .data import json_data

_P = json_data("places.json")
# (province, city, [county-level units])
PLACES: list[tuple[str, str, list[str]]] = [(p, c, list(cs)) for p, c, cs in _P["places"]]
TOWNS: list[str] = _P["towns"]
CITY_BODIES: list[str] = _P["city_bodies"]
COUNTY_BODIES: list[str] = CITY_BODIES + _P["county_extra_bodies"]
PROVINCE_BODIES: list[str] = _P["province_bodies"]
ZONE_BODIES: list[str] = _P["zone_bodies"]
PROV_ABBR: dict[str, str] = _P["province_abbr"]


def agency(rng: random.Random) -> dict:
    """name, short (the report's own short name), we (我局/我办…), province, city, county, level."""
    prov, city, counties = rng.choice(PLACES)
    level = rng.choices(["province", "city", "county", "town", "zone", "gov"], [4, 38, 36, 10, 4, 8])[0]
    county = rng.choice(counties)
    if level == "province":
        body = rng.choice(PROVINCE_BODIES)
        name, short = prov + body, "省" + body
    elif level == "city":
        body = rng.choice(CITY_BODIES)
        name, short = city + body, "市" + body
    elif level == "county":
        body = rng.choice(COUNTY_BODIES)
        lvl = county[-1]
        prefix = city + county if (lvl == "区" and rng.random() < 0.5) else county
        name, short = prefix + body, lvl + body
    elif level == "town":
        town = rng.choice(TOWNS)
        body = rng.choices(["街道办事处", "镇人民政府", "乡人民政府"], [5, 4, 1])[0]
        prefix = county if rng.random() < 0.7 else city + county
        name, short = prefix + town + body, town + body
    elif level == "zone":
        body = rng.choice(ZONE_BODIES)
        name, short = city + body, "管委会"
    else:
        tgt = rng.choice([city, county])
        name, short = tgt + "人民政府", tgt[-1] + "政府"
    if name.endswith(("局", "厅")):
        we = "我" + name[-1]
    elif name.endswith(("办公室", "办事处")):
        we = "我办" if name.endswith("办公室") else "我街道"
    elif name.endswith("委员会"):
        we = "我委"
    elif name.endswith("镇人民政府"):
        we = "我镇"
    elif name.endswith("乡人民政府"):
        we = "我乡"
    else:
        we = "本机关"
    return {"name": name, "short": short, "we": we, "province": prov, "city": city, "county": county, "level": level}
