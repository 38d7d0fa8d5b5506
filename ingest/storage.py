"""The lake: where the raw store and the parsed Parquet layers live, and every read and write of them.

The lake is `OGI_LAKE_URL` when set, else the data root (`OGI_DATA_DIR`, default `data/`), so nothing
changes when it is unset. It may be a local folder or an S3-compatible URL, `s3://bucket/prefix`:

    <lake>/raw/objects/ab/<sha256>                 raw bytes, content-addressed, written once
    <lake>/raw/records/<parser version>/ab/<sha256>.json.gz
    <lake>/raw/index.parquet, <lake>/raw/quarantine.parquet
    <lake>/parsed/<table>/year=YYYY/part.parquet

Everything else stays in the local data root, whatever the lake: the landing folder (where files
arrive), the DuckDB warehouse and the runs' builds of it (one file that DuckDB opens with a lock),
the writer lock (flock on a local file), the sensor's state, the docs and the exports.

One code path for both kinds, on fsspec (s3fs for `s3://`). A location is a `Path` for a local lake
(what the rest of the code always had) and a `str` URL for a remote one. Writes are atomic: locally
a temporary file beside the target, then a rename; on S3 one PUT of the whole payload (an object
appears whole or not at all). S3 settings come from the standard AWS variables (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION / AWS_DEFAULT_REGION) and an endpoint for an
S3-compatible server: `OGI_S3_ENDPOINT_URL`, else AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL
(`http://127.0.0.1:9000`).

DuckDB reads the remote Parquet layers through its httpfs extension, loaded from the
`duckdb-extension-httpfs` wheel's file (`configure_duckdb`), never installed from the internet:
autoinstall of extensions is off on every connection configured here.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

LAKE_ENV = "OGI_LAKE_URL"
ENDPOINT_ENV = "OGI_S3_ENDPOINT_URL"
# the variables that decide where the lake is and how S3 is reached (for processes started later)
ENV_VARS = (
    LAKE_ENV,
    ENDPOINT_ENV,
    "AWS_ENDPOINT_URL_S3",
    "AWS_ENDPOINT_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)
DEFAULT_REGION = "us-east-1"
DUCKDB_SECRET = "ogi_lake"

Location = Path | str  # a local path, or a URL such as s3://bucket/prefix/raw/index.parquet


# --- where --------------------------------------------------------------------------------------
def is_url(location: Location | os.PathLike) -> bool:
    """A remote location (`scheme://...`); a local path is never one."""
    return isinstance(location, str) and "://" in location


def lake_root(data_root: str | os.PathLike) -> Location:
    """The lake: `OGI_LAKE_URL` when set (a URL, or a local folder), else the data root."""
    value = os.environ.get(LAKE_ENV, "").strip()
    if not value:
        return Path(data_root)
    return value.rstrip("/") if is_url(value) else Path(value)


def join(base: Location, *parts: str) -> Location:
    """`base/part/...`: a Path for a local base, a URL for a remote one."""
    if is_url(base):
        return "/".join([str(base).rstrip("/"), *(p.strip("/") for p in parts)])
    return Path(base).joinpath(*parts)


def as_string(location: Location) -> str:
    """The location as DuckDB's read_parquet and Dagster metadata take it (absolute when local)."""
    return str(location) if is_url(location) else str(Path(location).absolute())


# --- fsspec -------------------------------------------------------------------------------------
def s3_endpoint() -> str | None:
    """The S3-compatible endpoint URL, or None for AWS itself."""
    for name in (ENDPOINT_ENV, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"):
        value = os.environ.get(name, "").strip()
        if value:
            return value if "://" in value else f"https://{value}"
    return None


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


def storage_options(url: str) -> dict[str, Any]:
    """fsspec options for a remote URL (s3fs: endpoint, region; keys from the AWS variables).

    Listings are not cached: another process (a parse worker, a second run) may have written since."""
    if not url.startswith(("s3://", "s3a://")):
        return {}
    options: dict[str, Any] = {"use_listings_cache": False, "client_kwargs": {"region_name": _region()}}
    endpoint = s3_endpoint()
    if endpoint:
        options["endpoint_url"] = endpoint
    return options


def _fs(url: str):
    """(filesystem, path without the scheme) of a remote URL."""
    import fsspec  # imported on first remote use: a local lake never loads s3fs

    fs, path = fsspec.core.url_to_fs(url, **storage_options(url))
    return fs, path


def warm_up() -> None:
    """Load the remote filesystem of the lake now, when the lake is remote (a parse worker does,
    before its time and memory budgets start)."""
    lake = os.environ.get(LAKE_ENV, "").strip()
    if is_url(lake):
        _fs(lake)


def _failed(location: Location, what: str, exc: BaseException) -> OSError:
    """An OSError naming the location and the reason (fsspec's own errors are kept as they are)."""
    if isinstance(exc, OSError):
        return exc
    return OSError(f"{location}: {what} failed ({type(exc).__name__}: {exc})")


# --- reads --------------------------------------------------------------------------------------
def exists(location: Location) -> bool:
    if not is_url(location):
        return Path(location).exists()
    fs, path = _fs(str(location))
    try:
        return bool(fs.exists(path))
    except Exception as exc:
        raise _failed(location, "checking that it exists", exc) from exc


def read_bytes(location: Location) -> bytes:
    """The whole file; FileNotFoundError (an OSError) when it is not there."""
    if not is_url(location):
        return Path(location).read_bytes()
    fs, path = _fs(str(location))
    try:
        return bytes(fs.cat_file(path))
    except Exception as exc:
        raise _failed(location, "reading", exc) from exc


def sha256(location: Location, block: int = 1 << 20) -> str:
    """The hex SHA-256 of a file's bytes, read a block at a time (memory stays one block)."""
    digest = hashlib.sha256()
    try:
        if is_url(location):
            fs, path = _fs(str(location))
            opened = fs.open(path, "rb")
        else:
            opened = open(location, "rb")  # noqa: SIM115 - closed by the with below
        with opened as fh:
            while chunk := fh.read(block):
                digest.update(chunk)
    except Exception as exc:
        raise _failed(location, "hashing", exc) from exc
    return digest.hexdigest()


def read_table(location: Location, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file as an Arrow table."""
    if not is_url(location):
        return pq.read_table(location, columns=columns)
    fs, path = _fs(str(location))
    try:
        with fs.open(path, "rb") as fh:
            return pq.read_table(fh, columns=columns)
    except Exception as exc:
        raise _failed(location, "reading Parquet", exc) from exc


def parquet_rows(location: Location) -> int:
    """Rows of one Parquet file, from its footer (no data read)."""
    if not is_url(location):
        return pq.ParquetFile(location).metadata.num_rows
    fs, path = _fs(str(location))
    try:
        with fs.open(path, "rb") as fh:
            return pq.ParquetFile(fh).metadata.num_rows
    except Exception as exc:
        raise _failed(location, "reading the Parquet footer", exc) from exc


def glob(base: Location, pattern: str) -> list[Location]:
    """Files under `base` matching `pattern` (`year=*/*.parquet`), sorted; none when base is missing."""
    if not is_url(base):
        return sorted(Path(base).glob(pattern))
    fs, path = _fs(str(base))
    try:
        found = fs.glob(f"{path.rstrip('/')}/{pattern}")
    except FileNotFoundError:
        return []
    except Exception as exc:
        raise _failed(base, f"listing {pattern}", exc) from exc
    return sorted(fs.unstrip_protocol(p) for p in found)


def siblings(location: Location, pattern: str) -> list[Location]:
    """The other files matching `pattern` in the folder of `location`."""
    if not is_url(location):
        target = Path(location)
        return [p for p in sorted(target.parent.glob(pattern)) if p.name != target.name]
    folder, _, name = str(location).rpartition("/")
    return [p for p in glob(folder, pattern) if str(p).rpartition("/")[2] != name]


def list_folders(location: Location) -> list[str]:
    """Names of the folders (prefixes) directly under `location`, sorted; none when it is missing."""
    if not is_url(location):
        base = Path(location)
        return sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
    fs, path = _fs(str(location))
    try:
        entries = fs.ls(path, detail=True)
    except FileNotFoundError:
        return []
    except Exception as exc:
        raise _failed(location, "listing", exc) from exc
    return sorted(e["name"].rstrip("/").rpartition("/")[2] for e in entries if e.get("type") == "directory")


# --- writes -------------------------------------------------------------------------------------
def write_bytes(location: Location, payload: bytes, mode: int = 0o644, prefix: str = ".tmp-", suffix: str = "") -> None:
    """Write a file atomically: locally a temporary name beside it (`prefix`, `suffix`), then a
    rename, with permissions `mode`; remotely one PUT of the whole payload."""
    if is_url(location):
        fs, path = _fs(str(location))
        try:
            fs.pipe_file(path, payload)
        except Exception as exc:
            raise _failed(location, "writing", exc) from exc
        return
    target = Path(location)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_table(table: pa.Table, location: Location) -> None:
    """Write one Parquet file (zstd) atomically: locally a temporary file in the same folder, then
    a rename (readable, 0644, like the raw objects); remotely one upload of the finished file."""
    with parquet_writer(location, table.schema) as writer:
        writer.write_table(table)


@contextlib.contextmanager
def parquet_writer(location: Location, schema: pa.Schema) -> Iterator[pq.ParquetWriter]:
    """A streaming Parquet writer (zstd) whose file appears whole or not at all: locally a temporary
    file beside the target, renamed over it when the block ends without an error (removed otherwise);
    remotely an upload that completes when the block ends (a multipart upload is invisible until then)."""
    if is_url(location):
        fs, path = _fs(str(location))
        try:
            with fs.open(path, "wb") as fh, pq.ParquetWriter(fh, schema, compression="zstd") as writer:
                yield writer
        except Exception as exc:
            raise _failed(location, "writing Parquet", exc) from exc
        return
    target = Path(location)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".part-", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            yield writer
        os.chmod(tmp, 0o644)  # mkstemp makes 0600
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def parquet_file(location: Location) -> Iterator[pq.ParquetFile]:
    """One Parquet file opened for reading its footer and row groups one at a time."""
    if not is_url(location):
        yield pq.ParquetFile(location)
        return
    fs, path = _fs(str(location))
    try:
        fh = fs.open(path, "rb")
    except Exception as exc:
        raise _failed(location, "opening Parquet", exc) from exc
    with fh:
        yield pq.ParquetFile(fh)


def parquet_key_value(location: Location, key: bytes) -> bytes | None:
    """One key of a Parquet file's key-value metadata (None: no such key, or no readable file)."""
    try:
        with parquet_file(location) as f:
            return (f.schema_arrow.metadata or {}).get(key)
    except (OSError, pa.ArrowInvalid):
        return None


def remove(location: Location) -> None:
    if not is_url(location):
        Path(location).unlink()
        return
    fs, path = _fs(str(location))
    try:
        fs.rm_file(path)
    except Exception as exc:
        raise _failed(location, "removing", exc) from exc


# --- DuckDB -------------------------------------------------------------------------------------
def httpfs_extension_path() -> Path:
    """The httpfs extension file of the `duckdb-extension-httpfs` wheel for this DuckDB version."""
    import duckdb

    spec = importlib.util.find_spec("duckdb_extension_httpfs")
    version = duckdb.__version__
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "DuckDB's httpfs extension is needed to read a remote lake, and the package "
            f"duckdb-extension-httpfs is not installed (install duckdb-extension-httpfs=={version})"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "extensions" / f"v{version}" / "httpfs.duckdb_extension"
    if not path.is_file():
        raise RuntimeError(
            f"{path}: no httpfs extension for DuckDB {version} in the duckdb-extension-httpfs package "
            "(its version must equal DuckDB's)"
        )
    return path


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def duckdb_secret_sql() -> str:
    """CREATE SECRET for S3 from the environment (keys, region, endpoint, path-style URLs and
    plain http for an S3-compatible endpoint such as http://127.0.0.1:9000)."""
    fields = {"TYPE": "s3", "REGION": _sql_text(_region())}
    key, secret = os.environ.get("AWS_ACCESS_KEY_ID"), os.environ.get("AWS_SECRET_ACCESS_KEY")
    if key and secret:
        fields["KEY_ID"], fields["SECRET"] = _sql_text(key), _sql_text(secret)
        token = os.environ.get("AWS_SESSION_TOKEN")
        if token:
            fields["SESSION_TOKEN"] = _sql_text(token)
    endpoint = s3_endpoint()
    if endpoint:
        scheme, _, host = endpoint.partition("://")
        fields["ENDPOINT"] = _sql_text(host.rstrip("/"))
        fields["USE_SSL"] = "true" if scheme == "https" else "false"
        fields["URL_STYLE"] = _sql_text("path")  # an S3-compatible server has no per-bucket host names
    body = ", ".join(f"{k} {v}" for k, v in fields.items())
    return f"CREATE OR REPLACE SECRET {DUCKDB_SECRET} ({body})"


def configure_duckdb(con: Any, lake: Location | None = None) -> None:
    """Make a DuckDB connection able to read the lake, and never download an extension.

    Autoinstall of extensions is off. For a remote lake (`lake`, default `OGI_LAKE_URL`), the httpfs
    extension is loaded from the wheel's file and an S3 secret is created from the environment."""
    con.execute("SET autoinstall_known_extensions = false")
    lake = lake if lake is not None else os.environ.get(LAKE_ENV, "").strip()
    if not is_url(lake):
        return
    path = httpfs_extension_path()
    con.execute(f"LOAD {_sql_text(str(path))}")
    con.execute(duckdb_secret_sql())
