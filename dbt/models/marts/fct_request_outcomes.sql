{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='report_year',
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_year_window() }}",
) }}

with cells as (
    select *
    from {{ ref('stg_parsed__cells') }}
    where table_name = 'table3'
      and row_key not in (select stage from {{ ref('stages') }})
      and {{ year_window() }}
),

reports as (
    select report_id, agency_id, path
    from {{ ref('stg_parsed__reports') }}
),

outcomes as (
    select outcome, outcome_group
    from {{ ref('outcomes') }}
)

select
    cast(c.report_id as varchar)     as report_id,
    cast(r.agency_id as varchar)     as agency_id,
    cast(c.report_year as integer)   as report_year,
    cast(c.column_key as varchar)    as applicant_type,
    cast(c.row_key as varchar)       as outcome,
    cast(o.outcome_group as varchar) as outcome_group,
    cast(c.value as integer)         as requests,
    {{ provenance_columns('c', 'r') }}
from cells as c
left join reports as r on r.report_id = c.report_id
left join outcomes as o on o.outcome = c.row_key
