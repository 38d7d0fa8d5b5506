-- Table 3's outcome rows (every row that is not a stage of dim_stage), with their group from
-- dim_outcome, one year window at a time.
with cells as (
    select *
    from {{ ref('stg_parsed__cells') }}
    where
        table_name = 'table3'
        and row_key not in (select s.stage from {{ ref('dim_stage') }} as s)
        and {{ year_window() }}
),

reports as (
    select
        report_id,
        agency_id,
        path
    from {{ ref('stg_parsed__reports') }}
),

outcomes as (
    select
        outcome,
        outcome_group
    from {{ ref('dim_outcome') }}
)

select
    cast(c.report_id as varchar) as report_id,
    cast(r.agency_id as varchar) as agency_id,
    cast(c.report_year as integer) as report_year,
    cast(c.column_key as varchar) as applicant_type,
    cast(c.row_key as varchar) as outcome,
    cast(o.outcome_group as varchar) as outcome_group,
    cast(c.value as integer) as requests,
    {{ provenance_columns('c', 'r') }}
from cells as c
left join reports as r on c.report_id = r.report_id
left join outcomes as o on c.row_key = o.outcome
