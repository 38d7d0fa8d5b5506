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

reports as (
    select report_id, agency_id, path
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
