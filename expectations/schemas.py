"""Where each gated table's columns and types live; the suites read them, never restate them.

The parsed layer's home is the pyarrow schemas that write the Parquet files (`ingest.flatten.SCHEMAS`);
the facts' and marts' home is their dbt contract (`data_type` of each column in the model's `.yml`),
read from the parsed project, `dbt/target/manifest.json` (`make manifest` writes it). A model is found
by its name, never by its file path, so moving models between folders changes nothing here.

A column's *kind* (str, int, float, bool, date) is what the suites check and what `runner.normalise`
brings a DataFrame to; an Arrow or dbt type the mappings below do not know is an error, not a guess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from ingest import flatten

REPO_ROOT = Path(__file__).resolve().parent.parent
MANIFEST_PATH = REPO_ROOT / "dbt" / "target" / "manifest.json"

# dbt (DuckDB) data_type -> kind; a precision or length suffix is ignored: decimal(18,2), varchar(10).
DBT_KINDS: dict[str, str] = {
    **dict.fromkeys(("varchar", "text", "string", "char", "bpchar"), "str"),
    **dict.fromkeys(("tinyint", "smallint", "integer", "int", "bigint", "hugeint", "utinyint"), "int"),
    **dict.fromkeys(("usmallint", "uinteger", "ubigint"), "int"),
    **dict.fromkeys(("double", "float", "real", "decimal", "numeric"), "float"),
    **dict.fromkeys(("boolean", "bool"), "bool"),
    **dict.fromkeys(("date", "timestamp", "datetime"), "date"),
}


class ManifestMissing(FileNotFoundError):
    """The dbt manifest is not there: a fact or mart suite cannot know its columns."""


def arrow_kind(t: pa.DataType) -> str:
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return "str"
    if pa.types.is_integer(t):
        return "int"
    if pa.types.is_floating(t) or pa.types.is_decimal(t):
        return "float"
    if pa.types.is_boolean(t):
        return "bool"
    if pa.types.is_date(t) or pa.types.is_timestamp(t):
        return "date"
    raise TypeError(f"no column kind for the Arrow type {t}")


def dbt_kind(data_type: str) -> str:
    base = data_type.strip().lower().split("(")[0].strip()
    if base not in DBT_KINDS:
        raise TypeError(f"no column kind for the dbt data_type {data_type!r}")
    return DBT_KINDS[base]


@dataclass(frozen=True)
class ParquetSchema:
    """A parsed-layer table: `ingest.flatten.SCHEMAS[table]` (table = reports, cells, ...)."""

    table: str

    @property
    def home(self) -> str:
        return f"ingest.flatten.SCHEMAS[{self.table!r}]"

    def kinds(self) -> dict[str, str]:
        return {f.name: arrow_kind(f.type) for f in flatten.SCHEMAS[self.table]}


@dataclass(frozen=True)
class DbtContract:
    """A dbt model with an enforced contract, found by name in the manifest."""

    model: str

    @property
    def home(self) -> str:
        return f"dbt contract of {self.model}"

    def kinds(self) -> dict[str, str]:
        node = model_node(self.model)
        if not node["config"].get("contract", {}).get("enforced"):
            raise ValueError(f"dbt model {self.model} has no enforced contract")
        cols = node["columns"]
        untyped = [c for c, col in cols.items() if not col.get("data_type")]
        if untyped:
            raise ValueError(f"dbt model {self.model}: columns without data_type: {untyped}")
        return {c: dbt_kind(col["data_type"]) for c, col in cols.items()}

    def relation(self) -> tuple[str, str]:
        """(schema, table) the model is built as."""
        node = model_node(self.model)
        return node["schema"], node.get("alias") or node["name"]


Schema = ParquetSchema | DbtContract


def manifest(path: Path | None = None) -> dict[str, Any]:
    """The parsed dbt manifest (re-read when the file changes)."""
    path = path or MANIFEST_PATH
    try:
        mtime = path.stat().st_mtime_ns
    except FileNotFoundError:
        raise ManifestMissing(f"{path} not found: run `make manifest` (dbt parse) first") from None
    return _read(path, mtime)


@cache
def _read(path: Path, mtime: int) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def model_node(name: str, path: Path | None = None) -> dict[str, Any]:
    nodes = [n for n in manifest(path)["nodes"].values() if n["resource_type"] == "model" and n["name"] == name]
    if len(nodes) != 1:
        raise KeyError(f"{len(nodes)} dbt models named {name!r} in the manifest")
    return nodes[0]


def dbt_tests(name: str, path: Path | None = None) -> list[dict[str, Any]]:
    """The data tests dbt runs on a model: {test, column, kwargs, severity} each."""
    uid = model_node(name, path)["unique_id"]
    out = []
    for n in manifest(path)["nodes"].values():
        if n["resource_type"] != "test" or n.get("attached_node") != uid or "test_metadata" not in n:
            continue
        kwargs = n["test_metadata"].get("kwargs", {})
        out.append(
            {
                "test": n["test_metadata"]["name"],
                "column": n.get("column_name") or kwargs.get("column_name"),
                "kwargs": kwargs,
                "severity": str(n["config"].get("severity", "error")).upper(),
            }
        )
    return out
