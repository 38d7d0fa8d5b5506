-- Table 3's stage rows (the keys of dim_stage), one year window at a time.
with cells as (
    {{ report_cells('table3') }}
)

select
    cast(c.report_id as varchar) as report_id,
    cast(c.agency_id as varchar) as agency_id,
    cast(c.report_year as integer) as report_year,
    cast(c.column_key as varchar) as applicant_type,
    cast(c.row_key as varchar) as stage,
    cast(c.value as integer) as requests,
    {{ report_flags('c') }},
    {{ provenance_columns('c') }}
from cells as c
where c.row_key in (select s.stage from {{ ref('dim_stage') }} as s)
