{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='report_year',
    on_schema_change='append_new_columns',
    pre_hook="{{ delete_year_window() }}",
) }}

with findings as (
    select *
    from {{ ref('stg_parsed__findings') }}
    where {{ year_window() }}
),

derived as (
    -- findings the warehouse derives across reports (the cross-year carry-over rule)
    select *
    from {{ ref('int_carryover_findings') }}
    where {{ year_window() }}
),

reports as (
    select report_id, agency_id, path, parser_version
    from {{ ref('stg_parsed__reports') }}
)

select
    cast(f.finding_id as varchar)     as finding_id,
    cast(f.report_id as varchar)      as report_id,
    cast(r.agency_id as varchar)      as agency_id,
    cast(f.report_year as integer)    as report_year,
    cast(f.finding_no as integer)     as finding_no,
    cast(f.code as varchar)           as code,
    cast(f.severity as varchar)       as severity,
    cast(f.message as varchar)        as message,
    cast(f.table_name as varchar)     as table_name,
    cast(f.cells as varchar)          as cells,
    cast(r.path as varchar)           as path,
    cast(f.parser_version as varchar) as parser_version
from findings as f
left join reports as r on r.report_id = f.report_id

union all

select
    cast(d.report_id || '-' || cast(d.finding_no as varchar) as varchar),
    cast(d.report_id as varchar),
    cast(d.agency_id as varchar),
    cast(d.report_year as integer),
    cast(d.finding_no as integer),
    cast(d.code as varchar),
    cast(d.severity as varchar),
    cast(d.message as varchar),
    cast(d.table_name as varchar),
    cast(d.cells as varchar),
    cast(r.path as varchar),
    cast(r.parser_version as varchar)
from derived as d
left join reports as r on r.report_id = d.report_id
