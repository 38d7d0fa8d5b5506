"""marts.fct_request_outcomes: requests per report, applicant type and outcome (table 3).

Columns and types: the model's dbt contract (LAYERS.md, "Schema marts").

Keys, outcomes and applicant types are dbt's tests on the model; here: the year, the counts, and
(until dbt tests it) that each row's outcome_group is its outcome's group.
"""

from __future__ import annotations

import great_expectations as gx

from expectations._common import OUTCOMES_BY_GROUP, SuiteSpec
from expectations.schemas import DbtContract
from ingest.parser import labels

TABLE = "fct_request_outcomes"
# what the gate on this table protects: one line, the Dagster check's description
PROTECTS = "the reporting marts and the published file from table-3 outcome counts that are negative or filed under the wrong outcome group"
SCHEMA = DbtContract(TABLE)


def build_suite() -> gx.ExpectationSuite:
    s = SuiteSpec(TABLE, SCHEMA)
    s.year()
    s.non_negative("requests")
    # dbt's to carry (a relationships test of (outcome, outcome_group) to dim_outcome); until then here
    s.in_set("outcome_group", labels.OUTCOME_GROUPS, rule="outcome_group_known")
    s.in_set_by("outcome", "outcome_group", OUTCOMES_BY_GROUP, rule="outcome_group_matches_outcome")
    return s.build()
