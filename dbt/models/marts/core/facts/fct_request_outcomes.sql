-- Table 3's outcome rows (every row that is not a stage of dim_stage), with their group from
-- dim_outcome, one year window at a time.
with cells as (
    {{ report_cells('table3') }}
),

outcomes as (
    select
        outcome,
        outcome_group
    from {{ ref('dim_outcome') }}
)

select
    cast(c.report_id as varchar) as report_id,
    cast(c.agency_id as varchar) as agency_id,
    cast(c.report_year as integer) as report_year,
    cast(c.column_key as varchar) as applicant_type,
    cast(c.row_key as varchar) as outcome,
    cast(o.outcome_group as varchar) as outcome_group,
    cast(c.value as integer) as requests,
    {{ report_flags('c') }},
    {{ provenance_columns('c') }}
from cells as c
left join outcomes as o on c.row_key = o.outcome
where c.row_key not in (select s.stage from {{ ref('dim_stage') }} as s)
