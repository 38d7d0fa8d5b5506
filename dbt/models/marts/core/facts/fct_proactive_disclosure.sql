-- Table 2, one year window at a time.
with cells as (
    {{ report_cells('table2') }}
)

select
    cast(c.report_id as varchar) as report_id,
    cast(c.agency_id as varchar) as agency_id,
    cast(c.report_year as integer) as report_year,
    cast(c.row_key as varchar) as item,
    cast(c.column_key as varchar) as measure,
    cast(c.value as double) as value,
    {{ report_flags('c') }},
    {{ provenance_columns('c') }}
from cells as c
