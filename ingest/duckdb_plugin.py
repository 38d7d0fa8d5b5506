"""dbt-duckdb plugin (dbt/profiles.yml `plugins:`): the connection dbt opens can read the lake.

For a remote lake (`OGI_LAKE_URL=s3://...`, which the Dagster dbt step sets) it loads the httpfs
extension from the `duckdb-extension-httpfs` wheel and creates the S3 secret from the environment
(`ingest.storage.configure_duckdb`); autoinstall of extensions is off either way. dbt-duckdb runs its
profile's `extensions` and `secrets` before any plugin, and a profile entry could only INSTALL the
extension (a copy into ~/.duckdb, or a download), so the load and the secret are done here.
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from . import storage


class Plugin(BasePlugin):
    def configure_connection(self, conn: Any) -> None:
        storage.configure_duckdb(conn)
