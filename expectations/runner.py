"""Validate one table's DataFrame against its suite; optionally write GX Data Docs.

    from expectations.runner import validate
    outcome = validate("parsed_cells", df, docs_dir="data/docs/gx")
    outcome.success_error   # False: an ERROR rule failed -> block downstream
    outcome.to_metadata()   # JSON-able dict for Dagster metadata
    offending_rows(outcome, df)   # the rows each failed rule found, with their report and cell

One ephemeral GX context per process (and per Data Docs folder) is built on first use and reused,
so validating one partition costs only the validation itself. Progress bars and analytics are off.

Data Docs: the site is a filesystem site under `docs_dir`; validation results are kept as JSON
under `docs_dir/.gx_results/` so that the index built by one process still lists the pages other
processes wrote (GX deletes site pages whose result is not in its results store when it rebuilds
the index, and an in-memory store only knows the current process).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import os
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

import great_expectations as gx
import numpy as np
import pandas as pd
from great_expectations.checkpoint import UpdateDataDocsAction
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from expectations import SCHEMAS, SUITES
from expectations._common import ERROR, WARN
from expectations.schemas import ManifestMissing

# COMPLETE: every failed row-level rule lists the index of each row it found (`unexpected_index_list`),
# so a failure can name its reports and the years it touches; the sample stays 5 values.
RESULT_FORMAT = {"result_format": "COMPLETE", "partial_unexpected_count": 5, "return_unexpected_index_query": False}
SITE_NAME = "ogi"
DATASOURCE = "ogi_pandas"
RESULTS_SUBDIR = ".gx_results"
INDEX_LIMIT = 300  # validation results listed on the index page (newest first)
SAMPLE_SIZE = 5
# Columns that say where an offending row is, in this order when a frame has them: the report,
# then the cell or key inside it (parsed cells, facts, findings, narrative keys).
WHERE_COLUMNS = ("report_year", "report_id", "path", "agency_name", "agency_id")
CELL_COLUMNS = (
    "table_name",
    "row_key",
    "column_key",
    "applicant_type",
    "stage",
    "outcome",
    "proceeding",
    "result",
    "item",
    "measure",
    "key",
    "finding_no",
)


# --- outcome -----------------------------------------------------------------------------------
@dataclass
class Outcome:
    table: str
    success_error: bool  # every ERROR-level expectation passed (the blocking verdict)
    success_all: bool  # every expectation passed, WARN included
    # one dict per failed expectation: rule, severity, expectation, column, unexpected_count, sample,
    # [condition], and `rows`: the frame's index labels of the rows it found (None for a rule on the
    # whole table: columns, types, row counts, distributions); `rows` never reaches the metadata
    failures: list[dict] = field(default_factory=list)
    statistics: dict = field(default_factory=dict)
    data_docs: str | None = None  # URL of this validation's Data Docs page, when written

    @property
    def error_failures(self) -> list[dict]:
        return [f for f in self.failures if f["severity"] == ERROR]

    @property
    def warn_failures(self) -> list[dict]:
        return [f for f in self.failures if f["severity"] != ERROR]

    def to_metadata(self) -> dict[str, Any]:
        """Plain JSON-able values, usable as Dagster metadata (dicts/lists become JSON)."""
        md: dict[str, Any] = {
            "table": self.table,
            "success_error": self.success_error,
            "success_all": self.success_all,
            "n_error_failures": len(self.error_failures),
            "n_warn_failures": len(self.warn_failures),
            "failed_rules": ", ".join(f"{f['rule']} ({f['severity']})" for f in self.failures) or "none",
            "failures": _jsonable(self.public_failures()),
            "statistics": _jsonable(self.statistics),
        }
        if self.data_docs:
            md["data_docs"] = self.data_docs
        return md

    def public_failures(self) -> list[dict]:
        """The failures without their row indices (bounded: what metadata and JSON show)."""
        return [{k: v for k, v in f.items() if k != "rows"} for f in self.failures]

    def to_dict(self) -> dict[str, Any]:
        return _jsonable({**asdict(self), "failures": self.public_failures()})

    def __str__(self) -> str:
        st = self.statistics
        head = (
            f"{self.table}: {'PASS' if self.success_error else 'FAIL'} at ERROR level, "
            f"{'all passed' if self.success_all else 'some WARN rules failed' if self.success_error else ''}"
        ).rstrip(", ")
        lines = [
            head,
            f"  {st.get('rows')} rows, {st.get('evaluated_expectations')} expectations, "
            f"{st.get('unsuccessful_expectations')} failed, {st.get('seconds')} s",
        ]
        for f in self.failures:
            where = f" where {f['condition']}" if f.get("condition") else ""
            lines.append(
                f"  [{f['severity']}] {f['rule']}: {f['expectation']} on {f['column'] or '(table)'}{where}"
                f" unexpected={f['unexpected_count']} sample={_jsonable(f['sample'])}"
            )
        if self.data_docs:
            lines.append(f"  data docs: {self.data_docs}")
        return "\n".join(lines)


# --- context cache -----------------------------------------------------------------------------
@dataclass
class _Ctx:
    context: Any
    docs_dir: Path | None
    datasource: Any = None
    suites: dict[str, Any] = field(default_factory=dict)
    batch_definitions: dict[str, Any] = field(default_factory=dict)
    checkpoints: dict[str, Any] = field(default_factory=dict)


_CONTEXTS: dict[Path | None, _Ctx] = {}
_LOCK = threading.RLock()


def _make_context(docs_dir: Path | None) -> _Ctx:
    defaults = InMemoryStoreBackendDefaults()
    config = DataContextConfig(
        store_backend_defaults=defaults,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
        analytics_enabled=False,
    )
    if docs_dir is not None:
        config.stores[defaults.validation_results_store_name] = {
            "class_name": "ValidationResultsStore",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir / RESULTS_SUBDIR),
            },
        }
        config.data_docs_sites = {
            SITE_NAME: {
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {
                    "class_name": "DefaultSiteIndexBuilder",
                    "validation_results_limit": INDEX_LIMIT,
                },
            }
        }
    context = gx.get_context(mode="ephemeral", project_config=config)
    ctx = _Ctx(context=context, docs_dir=docs_dir, datasource=context.data_sources.add_pandas(DATASOURCE))
    for table in SUITES:
        # every suite is registered so that a site rebuild keeps every suite's page
        with contextlib.suppress(ManifestMissing):  # the parsed-layer suites work without dbt's manifest
            _register(ctx, table)
    return ctx


def _register(ctx: _Ctx, table: str) -> None:
    ctx.suites[table] = ctx.context.suites.add(SUITES[table]())
    asset = ctx.datasource.add_dataframe_asset(table)
    ctx.batch_definitions[table] = asset.add_batch_definition_whole_dataframe(table)


def _get_ctx(docs_dir: str | Path | None) -> _Ctx:
    key = None if docs_dir is None else Path(docs_dir).resolve()
    with _LOCK:
        ctx = _CONTEXTS.get(key)
        if ctx is None:
            if key is not None:
                key.mkdir(parents=True, exist_ok=True)
            ctx = _CONTEXTS[key] = _make_context(key)
        return ctx


def _checkpoint(ctx: _Ctx, table: str):
    cp = ctx.checkpoints.get(table)
    if cp is None:
        vd = ctx.context.validation_definitions.add(
            gx.ValidationDefinition(name=table, data=ctx.batch_definitions[table], suite=ctx.suites[table])
        )
        cp = ctx.context.checkpoints.add(
            gx.Checkpoint(
                name=table,
                validation_definitions=[vd],
                result_format=RESULT_FORMAT,
                actions=[UpdateDataDocsAction(name="update_data_docs", site_names=[SITE_NAME])],
            )
        )
        ctx.checkpoints[table] = cp
    return cp


def reset() -> None:
    """Forget the cached contexts (tests; a changed clock year)."""
    with _LOCK:
        _CONTEXTS.clear()


# --- dtype normalisation -----------------------------------------------------------------------
def _all_values(s: pd.Series, pred) -> bool:
    vals = s.dropna()
    return all(pred(v) for v in vals)


def _is_int_value(v) -> bool:
    return isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_))


def _is_bool_value(v) -> bool:
    return isinstance(v, (bool, np.bool_))


def _is_date_value(v) -> bool:
    return isinstance(v, (_dt.date, np.datetime64))


def normalise(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Bring a frame to one dtype per column kind, whichever reader produced it; changes no value.

    Different readers give the same column different dtypes: pandas 3 reads VARCHAR as `str`
    (StringDtype), which GX 1.24 matches to no type name, so strings become object columns (GX then
    checks every value's Python type); a nullable INTEGER arrives as float64 (pandas.read_parquet)
    or Int32 (duckdb) and becomes Int64 when every value is whole (else it stays float and the type
    rule fails); object columns of dates/bools (read_parquet) become datetime64/boolean.
    Columns whose values do not fit their kind are left alone, so the type rule reports them.
    """
    schema = SCHEMAS[table].kinds()
    out = {}
    for col, kind in schema.items():
        if col not in df.columns:
            continue
        s = df[col]
        dt = s.dtype
        new = None
        if kind == "str":
            if isinstance(dt, pd.StringDtype) or (isinstance(dt, pd.ArrowDtype) and pd.api.types.is_string_dtype(dt)):
                new = s.astype(object).where(s.notna(), None)
        elif kind == "int":
            if isinstance(dt, pd.ArrowDtype) and pd.api.types.is_integer_dtype(dt):
                new = s.astype("Int64")
            elif pd.api.types.is_float_dtype(dt):
                vals = s.dropna().to_numpy(dtype="float64", na_value=np.nan)
                if np.isfinite(vals).all() and (np.mod(vals, 1) == 0).all():
                    new = s.astype("Int64")
            elif pd.api.types.is_object_dtype(dt) and _all_values(s, _is_int_value):
                new = s.astype("Int64")
        elif kind == "float":
            if (
                (isinstance(dt, pd.ArrowDtype) and pd.api.types.is_numeric_dtype(dt))
                or (isinstance(dt, pd.api.extensions.ExtensionDtype) and pd.api.types.is_float_dtype(dt))
                or (
                    pd.api.types.is_object_dtype(dt)
                    and _all_values(s, lambda v: isinstance(v, (int, float, np.number)) and not _is_bool_value(v))
                )
            ):
                new = s.astype("float64")
        elif kind == "bool":
            if (pd.api.types.is_object_dtype(dt) or isinstance(dt, pd.ArrowDtype)) and _all_values(s, _is_bool_value):
                new = s.astype("boolean")
        elif kind == "date":
            if (pd.api.types.is_object_dtype(dt) or isinstance(dt, pd.ArrowDtype)) and _all_values(s, _is_date_value):
                new = pd.to_datetime(s).astype("datetime64[us]")
            elif pd.api.types.is_datetime64_dtype(dt) and getattr(dt, "tz", None) is None:
                pass
        if new is not None:
            out[col] = new
    if not out:
        return df
    return df.assign(**out)


# --- validation --------------------------------------------------------------------------------
def validate(table: str, df: pd.DataFrame, docs_dir: str | Path | None = None, run_name: str | None = None) -> Outcome:
    """Validate `df` against the suite named `table`.

    `docs_dir`: write/refresh the GX Data Docs site there (this validation's page, the suite's
    page and the index). `run_name`: a label for the run in Data Docs (e.g. the partition key).
    """
    if table not in SUITES:
        raise KeyError(f"no suite for table {table!r}; known: {', '.join(SUITES)}")
    t0 = time.perf_counter()
    ctx = _get_ctx(docs_dir)
    if table not in ctx.suites:
        with _LOCK:
            _register(ctx, table)  # or raise why it cannot be built (ManifestMissing)
    frame = normalise(table, df)
    docs_url = None
    with _LOCK:
        if ctx.docs_dir is None:
            batch = ctx.batch_definitions[table].get_batch(batch_parameters={"dataframe": frame})
            result = batch.validate(ctx.suites[table], result_format=RESULT_FORMAT)
        else:
            run_id = RunIdentifier(run_name=run_name, run_time=_dt.datetime.now(_dt.UTC))
            cp_result = _checkpoint(ctx, table).run(batch_parameters={"dataframe": frame}, run_id=run_id)
            key, result = next(iter(cp_result.run_results.items()))
            urls = ctx.context.get_docs_sites_urls(resource_identifier=key, site_name=SITE_NAME)
            docs_url = urls[0]["site_url"] if urls else None
    seconds = time.perf_counter() - t0
    return _outcome(table, frame, result, seconds, docs_url)


def _column_of(kwargs: dict) -> str | None:
    if kwargs.get("column") is not None:
        return kwargs["column"]
    if kwargs.get("column_list"):
        return ",".join(kwargs["column_list"])
    if kwargs.get("column_A") is not None:
        return f"{kwargs['column_A']},{kwargs['column_B']}"
    return None


def _condition_of(kwargs: dict) -> str | None:
    """A row condition as a short text: `table_name == 'table3'`."""
    cond = kwargs.get("row_condition")
    if cond is None:
        return None
    if hasattr(cond, "to_dict"):
        cond = cond.to_dict()
    elif hasattr(cond, "dict"):
        cond = cond.dict()
    if isinstance(cond, dict) and "column" in cond and "operator" in cond:
        col = cond["column"]
        col = col.get("name") if isinstance(col, dict) else getattr(col, "name", col)
        op = getattr(cond["operator"], "value", cond["operator"])
        return f"{col} {op} {cond.get('parameter')!r}"
    return str(cond)


def _sample(res) -> Any:
    exc = res.exception_info or {}
    if isinstance(exc, dict):
        # either one {"raised_exception", "exception_message"} or one such dict per metric
        infos = [exc] if "raised_exception" in exc else [v for v in exc.values() if isinstance(v, dict)]
        msgs = [
            str(i.get("exception_message")) for i in infos if i.get("raised_exception") or i.get("exception_message")
        ]
        if msgs:
            return [f"exception: {m[:300]}" for m in msgs[:2]]
    r = res.result or {}
    if "partial_unexpected_list" in r:
        return list(r["partial_unexpected_list"])[:SAMPLE_SIZE]
    if r.get("details"):
        return r["details"]
    if "observed_value" in r:
        return r["observed_value"]
    return None


def _outcome(table: str, frame: pd.DataFrame, result, seconds: float, docs_url: str | None) -> Outcome:
    failures = []
    for res in result.results:
        if res.success:
            continue
        cfg = res.expectation_config
        meta = cfg.meta or {}
        r = res.result or {}
        rows = r.get("unexpected_index_list")
        failures.append(
            {
                "rule": meta.get("rule", cfg.type),
                "severity": meta.get("severity", ERROR) if meta.get("severity") in (ERROR, WARN) else ERROR,
                "expectation": cfg.type,
                "column": _column_of(cfg.kwargs),
                "unexpected_count": r.get("unexpected_count"),
                "sample": _jsonable(_sample(res)),
                "rows": list(rows) if isinstance(rows, list) else None,
            }
        )
        condition = _condition_of(cfg.kwargs)
        if condition:  # which rows the rule looked at (one expectation per table/group)
            failures[-1]["condition"] = condition
    failures.sort(key=lambda f: (f["severity"] != ERROR, f["rule"]))
    stats = dict(result.statistics or {})
    stats.update(
        rows=len(frame),
        columns=int(frame.shape[1]),
        seconds=round(seconds, 3),
    )
    return _verdict(table, failures, stats, docs_url)


def _verdict(table: str, failures: list[dict], stats: dict, docs_url: str | None) -> Outcome:
    """The Outcome of a validation's failures: blocking when an ERROR rule failed."""
    stats = {
        **stats,
        "n_error_failures": sum(f["severity"] == ERROR for f in failures),
        "n_warn_failures": sum(f["severity"] != ERROR for f in failures),
    }
    return Outcome(
        table=table,
        success_error=not any(f["severity"] == ERROR for f in failures),
        success_all=not failures,
        failures=failures,
        statistics=_jsonable(stats),
        data_docs=docs_url,
    )


# --- where the failures are --------------------------------------------------------------------
def failures_by_partition(
    outcome: Outcome, partition_of_row: pd.Series, partitions: list, frame: pd.DataFrame | None = None
) -> dict[Any, list[dict]]:
    """Each partition's share of the failures: a row-level rule fails the partitions of the rows it
    found (its `rows` and `unexpected_count` narrowed to them, and its `sample` too when `frame`, the
    validated frame, is given); a rule on the whole table (no rows) fails every partition, and so
    does a row whose partition is not one of `partitions`.

    `partition_of_row` maps the validated frame's index labels (unique) to a partition.
    """
    out: dict[Any, list[dict]] = {p: [] for p in partitions}
    for f in outcome.failures:
        rows = f.get("rows")
        if rows is None:
            for p in partitions:
                out[p].append(dict(f))
            continue
        of_row = partition_of_row.reindex(rows)
        for p in partitions:
            mine = [r for r, q in zip(rows, of_row) if q == p or q not in out]
            if not mine:
                continue
            narrowed = {**f, "rows": mine, "unexpected_count": len(mine)}
            column = f.get("column")
            if frame is not None and column in frame.columns:
                narrowed["sample"] = _jsonable(frame.loc[mine[:SAMPLE_SIZE], column].tolist())
            out[p].append(narrowed)
    return out


# --- bounded memory: one partition in chunks ----------------------------------------------------
# Rows of one partition validated at once. GX's pandas engine holds the frame, a copy per
# expectation's metric and, with result format COMPLETE, the index of every failing row: a few times
# the frame's size. 200,000 rows of the widest gated table (parsed cells, 17 columns) peak at a few
# hundred megabytes, whatever the size of the year.
CHUNK_ROWS = int(os.environ.get("OGI_GX_CHUNK_ROWS", 200_000))


def validate_chunks(
    table: str,
    chunks,
    docs_dir: str | Path | None = None,
    run_name: str | None = None,
    whole_by: str | None = None,
    limit: int = 50,
    docs_on_pass: bool = True,
) -> tuple[Outcome, pd.DataFrame]:
    """Validate one partition given as an iterable of DataFrames, one chunk in memory at a time.

    Every rule is row by row or on the columns, so a partition passes exactly when each chunk does;
    the failures of the chunks are merged per rule (counts added, samples and rows kept up to
    SAMPLE_SIZE / `limit`, row labels numbered over the whole partition). The one rule that spans
    rows, a key's uniqueness, holds across chunks when every group of `whole_by` (the report_id the
    parsed tables' keys start with) lies in one chunk: a `whole_by` value met again in a later chunk
    fails `key_unique` for those rows. Returns the merged Outcome and the offending rows (at most
    `limit`, each with its report). Data Docs (each page rebuilds the site's index, which reads the
    stored results: seconds, not milliseconds): the page of the first chunk that failed, else, with
    `docs_on_pass`, the first chunk's page, else none.
    """
    merged: dict[tuple, dict] = {}
    offending: list[pd.DataFrame] = []
    n_offending = 0
    seen: set = set()
    stats: dict[str, Any] = {}
    docs_url, docs_failed = None, False
    offset = n = 0
    for frame in chunks:
        n += 1
        frame = frame.reset_index(drop=True)
        frame.index = frame.index + offset
        offset += len(frame)
        label = f"{run_name} part {n}" if run_name else None
        out = validate(table, frame, docs_dir=docs_dir if n == 1 and docs_on_pass else None, run_name=label)
        failures = list(out.failures)
        if whole_by is not None and whole_by in frame.columns and len(frame):
            again = frame[whole_by].isin(seen)
            if again.any():
                failures.append(_split_group_failure(frame, again, whole_by))
            seen.update(frame[whole_by].dropna().unique())
        if n == 1 and docs_on_pass:
            docs_url, docs_failed = out.data_docs, bool(out.failures)
        if out.failures and docs_dir is not None and not docs_failed:  # the page of a chunk that failed
            docs_url = validate(table, frame, docs_dir=docs_dir, run_name=label).data_docs or docs_url
            docs_failed = True
        rows = offending_rows(failures, frame, limit - n_offending)
        n_offending += len(rows)
        offending.append(rows)
        for f in failures:
            key = (f["rule"], f["severity"], f["expectation"], f.get("column"), f.get("condition"))
            if key not in merged:
                merged[key] = dict(f)
                if f.get("rows") is not None:
                    merged[key]["rows"] = list(f["rows"])[:limit]
                continue
            m = merged[key]
            if f.get("rows") is not None and m.get("rows") is not None:
                m["unexpected_count"] = (m.get("unexpected_count") or 0) + (f.get("unexpected_count") or 0)
                m["rows"] = (m["rows"] + list(f["rows"]))[:limit]
                if isinstance(m.get("sample"), list) and isinstance(f.get("sample"), list):
                    m["sample"] = (m["sample"] + f["sample"])[:SAMPLE_SIZE]
        for k, v in out.statistics.items():
            if k in ("rows", "seconds", "n_error_failures", "n_warn_failures"):
                continue
            stats.setdefault(k, v)
        stats["seconds"] = round(stats.get("seconds", 0) + out.statistics.get("seconds", 0), 3)
    failures = sorted(merged.values(), key=lambda f: (f["severity"] != ERROR, f["rule"]))
    stats.update(rows=offset, chunks=n)
    outcome = _verdict(table, failures, stats, docs_url)
    frame_rows = pd.concat(offending, ignore_index=True) if offending else pd.DataFrame(columns=OFFENDING_COLUMNS)
    return outcome, frame_rows.head(limit)


def _split_group_failure(frame: pd.DataFrame, again: pd.Series, column: str) -> dict:
    rows = list(frame.index[again])
    return {
        "rule": "key_unique",
        "severity": ERROR,
        "expectation": f"{column} in one chunk",
        "column": column,
        "unexpected_count": len(rows),
        "sample": _jsonable(frame.loc[rows[:SAMPLE_SIZE], column].tolist()),
        "rows": rows,
        "condition": f"{column} met in an earlier chunk of the partition (its rows are written together)",
    }


def offending_rows(failures: list[dict], frame: pd.DataFrame, limit: int = 50) -> pd.DataFrame:
    """The rows the failed rules found, at most `limit` in all, each with the rule, the report it
    belongs to (year, report_id, path, agency when the frame has them), the cell or key inside the
    report, the rule's column and the offending value. Rules on the whole table add no row."""
    records: list[dict[str, Any]] = []
    for f in failures:
        column = f.get("column")
        for label in (f.get("rows") or [])[: max(limit - len(records), 0)]:
            if label not in frame.index:
                continue
            row = frame.loc[label]
            where = {c: _jsonable(row[c]) for c in WHERE_COLUMNS if c in frame.columns}
            cell = _cell(row, frame.columns)
            records.append(
                {
                    "rule": f["rule"],
                    "severity": f["severity"],
                    "report_year": where.get("report_year"),
                    "report_id": where.get("report_id"),
                    "path": where.get("path"),
                    "agency": where.get("agency_name"),
                    "agency_id": where.get("agency_id"),
                    "cell": cell or None,
                    "column": column,
                    "value": _jsonable(row[column]) if column in frame.columns else None,
                }
            )
    return pd.DataFrame.from_records(records, columns=OFFENDING_COLUMNS)


def _cell(row: pd.Series, columns) -> str:
    """Where in its report a row is: `table3 granted.total` for a cell (the form of a finding's
    cells), else the key columns it has, `applicant_type=natural_person, stage=new_received`."""
    known = {c: row[c] for c in CELL_COLUMNS if c in columns and pd.notna(row[c])}
    if {"table_name", "row_key", "column_key"} <= known.keys():
        head = f"{known.pop('table_name')} {known.pop('row_key')}.{known.pop('column_key')}"
        return ", ".join([head, *(f"{c}={_jsonable(v)}" for c, v in known.items())])
    return ", ".join(f"{c}={_jsonable(v)}" for c, v in known.items())


# where first (a reader looks for the file and the agency), the long ids last
OFFENDING_COLUMNS = [
    "report_year",
    "path",
    "agency",
    "cell",
    "column",
    "value",
    "rule",
    "severity",
    "report_id",
    "agency_id",
]


def _jsonable(x: Any) -> Any:
    """Recursively turn numpy/pandas scalars, NaN, timestamps, tuples into JSON values."""
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple, set)):
        return [_jsonable(v) for v in x]
    if isinstance(x, (np.bool_,)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return None if math.isnan(x) or math.isinf(x) else float(x)
    if x is pd.NA or x is pd.NaT:
        return None
    if isinstance(x, (pd.Timestamp, _dt.datetime, _dt.date)):
        return x.isoformat()
    if hasattr(x, "to_json_dict"):
        return _jsonable(x.to_json_dict())
    return str(x)
