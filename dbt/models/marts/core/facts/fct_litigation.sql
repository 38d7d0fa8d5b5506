-- Table 4, one year window at a time.
with cells as (
    {{ report_cells('table4') }}
)

select
    cast(c.report_id as varchar) as report_id,
    cast(c.agency_id as varchar) as agency_id,
    cast(c.report_year as integer) as report_year,
    cast(c.row_key as varchar) as proceeding,
    cast(c.column_key as varchar) as result,
    cast(c.value as integer) as cases,
    {{ report_flags('c') }},
    {{ provenance_columns('c') }}
from cells as c
