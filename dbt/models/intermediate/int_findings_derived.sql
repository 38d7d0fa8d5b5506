-- Findings the warehouse derives, which a per-report parser cannot see. Numbered from 1001 (one
-- number per code) so they never collide with the parser's own findings (numbered from 1); codes
-- and severities are those of ingest/warehouse_findings.py.
--   1001 T3_CARRYOVER_MISMATCH (warning): table 3's carried_over (二、上年结转) differs from
--        carried_forward (四、结转下年度继续办理) in the same agency's report of the year before.
--   1002 T2_IN_FORCE_MISMATCH (warning): a table-2 item's in_force (现行有效件数, 2021 template)
--        differs from the agency's in_force of the year before + this year's made - repealed.
--   1003 REGION_UNRESOLVED (warning), 1004 REGION_NOT_IN_YEAR (warning), 1005 REGION_CONFLICT
--        (info): from the region ingest.regions resolved for the report.
--   1006 NARRATIVE_FIGURE_MISMATCH (warning): a figure the prose states differs from the report's
--        own table, for the three prose figures mart_agency_year can use that the parser's
--        NARRATIVE_MISMATCH does not compare (requests_answered vs total_processed,
--        reconsideration_corrected, litigation_lost vs the litigation proceedings' corrected).
-- Cross-year rules compare the reports int_reports_ranked picks for the agency (the agency key, so
-- a renamed body is compared with itself) in two consecutive years; cells printed empty are NULL
-- and not compared. A finding sits on the later year: rebuilding year Y-1 changes year Y's, which
-- is why fct_report_findings rebuilds one year after its window (dbt_project.yml).
with picked as (
    select
        report_id,
        agency_id,
        report_year
    from {{ ref('int_reports_ranked') }}
    where report_rank = 1
),

table3 as (
    select
        report_id,
        row_key,
        column_key,
        value
    from {{ ref('stg_parsed__cells') }}
    where
        table_name = 'table3'
        and row_key in ('carried_over', 'carried_forward')
        and value is not null
),

t3_this_year as (
    select
        p.report_id,
        p.agency_id,
        p.report_year,
        t.column_key,
        t.value as carried_over
    from picked as p
    inner join table3 as t on p.report_id = t.report_id and t.row_key = 'carried_over'
),

t3_year_before as (
    select
        p.agency_id,
        p.report_year + 1 as report_year,
        p.report_id as prior_report_id,
        t.column_key,
        t.value as carried_forward
    from picked as p
    inner join table3 as t on p.report_id = t.report_id and t.row_key = 'carried_forward'
),

t3_differences as (
    select
        y.report_id,
        y.agency_id,
        y.report_year,
        b.prior_report_id,
        y.column_key,
        y.column_key || ' (' || cast(cast(y.carried_over as bigint) as varchar) || ' vs '
        || cast(cast(b.carried_forward as bigint) as varchar) || ')' as difference
    from t3_this_year as y
    inner join t3_year_before as b
        on
            y.agency_id = b.agency_id
            and y.report_year = b.report_year
            and y.column_key = b.column_key
    where y.carried_over <> b.carried_forward
),

t3_findings as (
    select
        report_id,
        agency_id,
        report_year,
        1001 as finding_no,
        'T3_CARRYOVER_MISMATCH' as code,
        'warning' as severity,
        'table3: carried_over differs from the carried_forward of the same agency''s '
        || cast(report_year - 1 as varchar) || ' report (' || prior_report_id || ') in '
        || string_agg(difference, ', ' order by column_key) as message,
        'table3' as table_name,
        '[' || string_agg('"carried_over.' || column_key || '"', ', ' order by column_key) || ']' as cells
    from t3_differences
    group by report_id, agency_id, report_year, prior_report_id
),

-- table 2 of the 2021 template: per item, made / repealed / in_force as printed
table2 as (
    select
        report_id,
        row_key as item,
        max(case when column_key = 'made' then value end) as made,
        max(case when column_key = 'repealed' then value end) as repealed,
        max(case when column_key = 'in_force' then value end) as in_force
    from {{ ref('stg_parsed__cells') }}
    where
        table_name = 'table2'
        and column_key in ('made', 'repealed', 'in_force')
    group by report_id, row_key
),

t2_differences as (
    select
        p.report_id,
        p.agency_id,
        p.report_year,
        b.report_id as prior_report_id,
        y.item,
        y.item || ' (' || cast(cast(y.in_force as bigint) as varchar) || ' vs '
        || cast(cast(tb.in_force as bigint) as varchar) || ' + ' || cast(cast(y.made as bigint) as varchar)
        || ' - ' || cast(cast(y.repealed as bigint) as varchar) || ')' as difference
    from picked as p
    inner join table2 as y on p.report_id = y.report_id
    inner join picked as b on p.agency_id = b.agency_id and p.report_year = b.report_year + 1
    inner join table2 as tb on b.report_id = tb.report_id and y.item = tb.item
    where
        y.in_force is not null
        and y.made is not null
        and y.repealed is not null
        and tb.in_force is not null
        and y.in_force <> tb.in_force + y.made - y.repealed
),

t2_findings as (
    select
        report_id,
        agency_id,
        report_year,
        1002 as finding_no,
        'T2_IN_FORCE_MISMATCH' as code,
        'warning' as severity,
        'table2: in_force differs from the same agency''s ' || cast(report_year - 1 as varchar)
        || ' in_force (report ' || prior_report_id || ') + made - repealed in '
        || string_agg(difference, ', ' order by item) as message,
        'table2' as table_name,
        '[' || string_agg('"' || item || '.in_force"', ', ' order by item) || ']' as cells
    from t2_differences
    group by report_id, agency_id, report_year, prior_report_id
),

-- the region of every report that names an agency
reports as (
    select
        report_id,
        agency_id,
        report_year,
        region_code,
        region_reason,
        region_valid_in_year,
        region_conflicts,
        region_changes
    from {{ ref('stg_parsed__reports') }}
    where agency_id is not null
),

region_findings as (
    select
        report_id,
        agency_id,
        report_year,
        1003 as finding_no,
        'REGION_UNRESOLVED' as code,
        'warning' as severity,
        'region: ' || region_reason as message
    from reports
    where region_code = 'unknown'
    union all
    select
        report_id,
        agency_id,
        report_year,
        1004 as finding_no,
        'REGION_NOT_IN_YEAR' as code,
        'warning' as severity,
        'region: ' || region_code || ' is not in the GB/T 2260 list of ' || cast(report_year as varchar)
        || coalesce(' (' || region_changes || ')', '') as message
    from reports
    where not region_valid_in_year
    union all
    select
        report_id,
        agency_id,
        report_year,
        1005 as finding_no,
        'REGION_CONFLICT' as code,
        'info' as severity,
        'region: ' || region_code || ' kept; ' || region_conflicts as message
    from reports
    where region_conflicts is not null
),

-- prose vs the report's own table: the table's side of each prose figure the parser does not
-- compare (its NARRATIVE_MISMATCH covers requests_received, reconsideration_total, litigation_total).
-- The cells are named as the rule's operands, as the parser's check names them.
table_figures as (
    select
        report_id,
        'requests_total_processed' as figure,
        'table3' as table_name,
        max(value) as value,
        '"total_processed.total"' as cells
    from {{ ref('stg_parsed__cells') }}
    where table_name = 'table3' and row_key = 'total_processed' and column_key = 'total'
    group by report_id
    union all
    select
        report_id,
        'reconsideration_corrected' as figure,
        'table4' as table_name,
        max(value) as value,
        '"reconsideration.corrected"' as cells
    from {{ ref('stg_parsed__cells') }}
    where table_name = 'table4' and row_key = 'reconsideration' and column_key = 'corrected'
    group by report_id
    union all
    select
        report_id,
        'litigation_corrected' as figure,
        'table4' as table_name,
        -- both proceedings printed, as the parser's litigation_total check requires
        case when count(value) = 2 then sum(value) end as value,
        '"litigation_direct.corrected", "litigation_after_reconsideration.corrected"' as cells
    from {{ ref('stg_parsed__cells') }}
    where
        table_name = 'table4'
        and row_key in ('litigation_direct', 'litigation_after_reconsideration')
        and column_key = 'corrected'
    group by report_id
),

narrative_differences as (
    select
        p.report_id,
        p.report_year,
        p.figure,
        t.table_name,
        t.cells,
        p.narrative_key || ' = ' || cast(cast(p.value as bigint) as varchar) || ' in the prose, '
        || cast(cast(t.value as bigint) as varchar) || ' in ' || t.table_name
        || ' (' || replace(t.cells, '"', '') || ')' as difference
    from {{ ref('int_narrative_figures') }} as p
    inner join table_figures as t on p.report_id = t.report_id and p.figure = t.figure
    where t.value is not null and p.value <> t.value
),

narrative_findings as (
    select
        d.report_id,
        r.agency_id,
        d.report_year,
        1006 as finding_no,
        'NARRATIVE_FIGURE_MISMATCH' as code,
        'warning' as severity,
        'prose vs table: ' || string_agg(d.difference, '; ' order by d.figure) as message,
        case when count(distinct d.table_name) = 1 then min(d.table_name) end as table_name,
        '[' || string_agg(d.cells, ', ' order by d.figure) || ']' as cells
    from narrative_differences as d
    left join {{ ref('stg_parsed__reports') }} as r on d.report_id = r.report_id
    group by d.report_id, r.agency_id, d.report_year
)

select
    report_id,
    agency_id,
    cast(report_year as integer) as report_year,
    cast(finding_no as integer) as finding_no,
    code,
    severity,
    message,
    table_name,
    cells
from t3_findings
union all
select
    report_id,
    agency_id,
    cast(report_year as integer) as report_year,
    cast(finding_no as integer) as finding_no,
    code,
    severity,
    message,
    table_name,
    cells
from t2_findings
union all
select
    report_id,
    agency_id,
    cast(report_year as integer) as report_year,
    cast(finding_no as integer) as finding_no,
    code,
    severity,
    message,
    cast(null as varchar) as table_name,
    cast(null as varchar) as cells
from region_findings
union all
select
    report_id,
    agency_id,
    cast(report_year as integer) as report_year,
    cast(finding_no as integer) as finding_no,
    code,
    severity,
    message,
    table_name,
    cells
from narrative_findings
