-- One row per report file (one sha256: the same bytes under two landing paths are one report, under
-- the first path). What the parser found in it (the format its tables are laid out in, encoding,
-- layout, which tables), what is wrong with it (findings by severity, arithmetic_ok) and whether it is
-- the report its agency-year uses (is_primary: rank 1 of int_reports_ranked). The facts take
-- is_primary and arithmetic_ok from here.
with reports as (
    select *
    from {{ ref('stg_parsed__reports') }}
),

-- every finding on the report: the parser's and the ones the warehouse derives
findings as (
    select
        report_id,
        code,
        severity
    from {{ ref('stg_parsed__findings') }}
    union all
    select
        report_id,
        code,
        severity
    from {{ ref('int_findings_derived') }}
),

finding_counts as (
    select
        report_id,
        count(*) filter (where severity = 'error') as n_findings_error,
        count(*) filter (where severity = 'warning') as n_findings_warning,
        count(*) filter (where severity = 'info') as n_findings_info,
        count(*) filter (where code in {{ arithmetic_finding_codes() }}) as n_arithmetic_findings
    from findings
    group by report_id
),

-- the generation the printed tables are laid out in, as the parser decides it (table 3's
-- (六)其他处理 rows first, then table 2's columns), on the cells the page printed (cells with a
-- provenance; rows the parser only completed have none). Which key is of which generation: the dims.
printed_generations as (
    select
        c.report_id,
        max(case when c.table_name = 'table3' and o.generations = '2021' then 1 else 0 end) as t3_2021,
        max(case when c.table_name = 'table3' and o.generations = '2019' then 1 else 0 end) as t3_2019,
        max(case when c.table_name = 'table2' and m.generations = '2021' then 1 else 0 end) as t2_2021,
        max(case when c.table_name = 'table2' and m.generations = '2019' then 1 else 0 end) as t2_2019
    from {{ ref('stg_parsed__cells') }} as c
    left join {{ ref('dim_outcome') }} as o
        on c.table_name = 'table3' and c.row_key = o.outcome and o.outcome_group = 'other'
    left join {{ ref('dim_table2_measure') }} as m
        on c.table_name = 'table2' and c.column_key = m.measure
    where c.table_name in ('table2', 'table3') and c.src is not null
    group by c.report_id
),

detected as (
    select
        report_id,
        case
            when t3_2021 = 1 then '2021'
            when t3_2019 = 1 then '2019'
            when t2_2021 = 1 then '2021'
            when t2_2019 = 1 then '2019'
        end as format_version
    from printed_generations
),

ranked as (
    select
        report_id,
        report_rank
    from {{ ref('int_reports_ranked') }}
)

select
    cast(r.report_id as varchar) as report_id,
    cast(r.report_year as integer) as report_year,
    cast(r.agency_id as varchar) as agency_id,
    cast(r.agency_name as varchar) as agency_name,
    cast(r.path as varchar) as path,
    cast(r.report_id as varchar) as sha256,
    cast(r.url as varchar) as url,
    cast(d.format_version as varchar) as format_version,
    cast({{ format_generation('r.report_year') }} as varchar) as format_expected,
    cast(r.published_date as date) as published_date,
    cast(r.parser_version as varchar) as parser_version,
    cast(r.encoding as varchar) as encoding,
    cast(r.traditional as boolean) as traditional,
    cast(r.layout as varchar) as layout,
    cast(coalesce(r.has_table2, false) as boolean) as has_table2,
    cast(coalesce(r.has_table3, false) as boolean) as has_table3,
    cast(coalesce(r.has_table4, false) as boolean) as has_table4,
    cast(coalesce(f.n_findings_error, 0) as integer) as n_findings_error,
    cast(coalesce(f.n_findings_warning, 0) as integer) as n_findings_warning,
    cast(coalesce(f.n_findings_info, 0) as integer) as n_findings_info,
    cast(coalesce(f.n_arithmetic_findings, 0) as integer) as n_arithmetic_findings,
    cast(coalesce(f.n_arithmetic_findings, 0) = 0 as boolean) as arithmetic_ok,
    cast(k.report_rank as integer) as report_rank,
    cast(coalesce(k.report_rank = 1, false) as boolean) as is_primary
from reports as r
left join finding_counts as f on r.report_id = f.report_id
left join detected as d on r.report_id = d.report_id
left join ranked as k on r.report_id = k.report_id
