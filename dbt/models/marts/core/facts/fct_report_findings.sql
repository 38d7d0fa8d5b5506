-- The parser's findings and the ones the warehouse derives across reports (int_findings_derived),
-- one year window at a time.
with findings as (
    select *
    from {{ ref('stg_parsed__findings') }}
    where {{ year_window() }}
),

derived as (
    select *
    from {{ ref('int_findings_derived') }}
    where {{ year_window() }}
),

reports as (
    select
        report_id,
        agency_id,
        path,
        parser_version
    from {{ ref('stg_parsed__reports') }}
)

select
    cast(f.finding_id as varchar) as finding_id,
    cast(f.report_id as varchar) as report_id,
    cast(r.agency_id as varchar) as agency_id,
    cast(f.report_year as integer) as report_year,
    cast(f.finding_no as integer) as finding_no,
    cast(f.code as varchar) as code,
    cast(f.severity as varchar) as severity,
    cast(f.message as varchar) as message,
    cast(f.table_name as varchar) as table_name,
    cast(f.cells as varchar) as cells,
    cast(r.path as varchar) as path,
    cast(f.parser_version as varchar) as parser_version
from findings as f
left join reports as r on f.report_id = r.report_id

union all

select
    cast(d.report_id || '-' || cast(d.finding_no as varchar) as varchar) as finding_id,
    cast(d.report_id as varchar) as report_id,
    cast(d.agency_id as varchar) as agency_id,
    cast(d.report_year as integer) as report_year,
    cast(d.finding_no as integer) as finding_no,
    cast(d.code as varchar) as code,
    cast(d.severity as varchar) as severity,
    cast(d.message as varchar) as message,
    cast(d.table_name as varchar) as table_name,
    cast(d.cells as varchar) as cells,
    cast(r.path as varchar) as path,
    cast(r.parser_version as varchar) as parser_version
from derived as d
left join reports as r on d.report_id = r.report_id
