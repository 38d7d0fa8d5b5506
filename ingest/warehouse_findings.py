"""Finding codes the warehouse derives (dbt `int_findings_derived`): what no per-report parser can see
(across years, the region), and the prose-against-table comparisons the marts rely on that the
parser does not make.

They reach `marts.fct_report_findings` beside the parser's own (`ingest.parser.findings.CODES`),
numbered from 1001, one number per code; this is their one home. The dbt model writes the
same codes, numbers and severities in SQL; tests/test_where.py checks the warehouse's rows against
this table. Pure Python.
"""

from __future__ import annotations

# code -> (severity, finding_no, meaning)
CODES: dict[str, tuple[str, int, str]] = {
    # cross-year: the agency's report of the year before, on the agency key
    "T3_CARRYOVER_MISMATCH": (
        "warning",
        1001,
        "carried_over != the same agency's carried_forward of the year before",
    ),
    "T2_IN_FORCE_MISMATCH": (
        "warning",
        1002,
        "a table-2 item's in_force != the same agency's in_force of the year before + made - repealed (2021 template)",
    ),
    # where the body is (ingest.regions)
    "REGION_UNRESOLVED": (
        "warning",
        1003,
        "no GB/T 2260 division could be decided for the agency: region_code unknown",
    ),
    "REGION_NOT_IN_YEAR": (
        "warning",
        1004,
        "the agency's division is not in the GB/T 2260 list of the report's year",
    ),
    "REGION_CONFLICT": (
        "info",
        1005,
        "region evidence (manifest, URL, name) pointed elsewhere and lost",
    ),
    # the prose against the report's own table, for the prose figures mart_agency_year can use
    # that the parser's NARRATIVE_MISMATCH does not compare
    "NARRATIVE_FIGURE_MISMATCH": (
        "warning",
        1006,
        "the prose's requests_answered, reconsideration_corrected or litigation_lost differs from the table",
    ),
}
