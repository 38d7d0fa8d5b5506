-- Table 4, one year window at a time.
with cells as (
    select *
    from {{ ref('stg_parsed__cells') }}
    where
        table_name = 'table4'
        and {{ year_window() }}
),

reports as (
    select
        report_id,
        agency_id,
        path
    from {{ ref('stg_parsed__reports') }}
)

select
    cast(c.report_id as varchar) as report_id,
    cast(r.agency_id as varchar) as agency_id,
    cast(c.report_year as integer) as report_year,
    cast(c.row_key as varchar) as proceeding,
    cast(c.column_key as varchar) as result,
    cast(c.value as integer) as cases,
    {{ provenance_columns('c', 'r') }}
from cells as c
left join reports as r on c.report_id = r.report_id
