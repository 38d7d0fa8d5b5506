"""Great Expectations suites for the gated tables of ogi-warehouse, and a small runner.

One module per table exposes ``build_suite() -> gx.ExpectationSuite`` (suite name = table name)
and ``SCHEMA``, where its columns and types live (``expectations.schemas``: the parsed layer's
pyarrow schema or the model's dbt contract; ``SCHEMA.kinds()`` reads them, column -> kind).
``expectations.runner.validate(table, df, docs_dir=None)`` runs a suite on a pandas DataFrame and
returns an ``Outcome``; ``python -m expectations TABLE SOURCE`` does the same by hand. Works without
Dagster.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

from expectations import (
    fct_litigation,
    fct_proactive_disclosure,
    fct_report_findings,
    fct_request_outcomes,
    fct_requests,
    mart_agency_year,
    parsed_cells,
    parsed_findings,
    parsed_narrative,
    parsed_reports,
)

if TYPE_CHECKING:
    from great_expectations import ExpectationSuite

    from expectations.schemas import Schema

MODULES: dict[str, ModuleType] = {
    m.TABLE: m
    for m in (
        parsed_reports,
        parsed_cells,
        parsed_findings,
        parsed_narrative,
        fct_requests,
        fct_request_outcomes,
        fct_litigation,
        fct_proactive_disclosure,
        fct_report_findings,
        mart_agency_year,
    )
}
SUITES: dict[str, Callable[[], ExpectationSuite]] = {t: m.build_suite for t, m in MODULES.items()}
SCHEMAS: dict[str, Schema] = {t: m.SCHEMA for t, m in MODULES.items()}


def validate(table, df, docs_dir=None, run_name=None):
    """See expectations.runner.validate (imported lazily)."""
    from expectations.runner import validate as _validate

    return _validate(table, df, docs_dir=docs_dir, run_name=run_name)


__all__ = ["MODULES", "SCHEMAS", "SUITES", "validate"]
