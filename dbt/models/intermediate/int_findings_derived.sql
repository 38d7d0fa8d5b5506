-- The spec's cross-year rule: an agency's carried_over this year (二、上年结转) equals its
-- carried_forward of the year before (四、结转下年度继续办理). A per-report parser cannot see it, so the
-- warehouse derives it: one warning per report whose agency-year report disagrees with the agency's
-- report of the year before, naming the applicant columns and both values. Numbered from 1001 so it
-- never collides with the parser's own findings (numbered from 1).
with table3 as (
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

picked as (
    select
        report_id,
        agency_id,
        report_year
    from {{ ref('int_reports_ranked') }}
    where report_rank = 1
),

this_year as (
    select
        p.report_id,
        p.agency_id,
        p.report_year,
        t.column_key,
        t.value as carried_over
    from picked as p
    inner join table3 as t on p.report_id = t.report_id and t.row_key = 'carried_over'
),

year_before as (
    select
        p.agency_id,
        p.report_year + 1 as report_year,
        p.report_id as prior_report_id,
        t.column_key,
        t.value as carried_forward
    from picked as p
    inner join table3 as t on p.report_id = t.report_id and t.row_key = 'carried_forward'
),

differences as (
    select
        y.report_id,
        y.agency_id,
        y.report_year,
        b.prior_report_id,
        y.column_key,
        y.column_key || ' (' || cast(cast(y.carried_over as bigint) as varchar) || ' vs '
        || cast(cast(b.carried_forward as bigint) as varchar) || ')' as difference
    from this_year as y
    inner join year_before as b
        on
            y.agency_id = b.agency_id
            and y.report_year = b.report_year
            and y.column_key = b.column_key
    where y.carried_over <> b.carried_forward
)

select
    report_id,
    agency_id,
    cast(report_year as integer) as report_year,
    cast(1001 as integer) as finding_no,
    'T3_CARRYOVER_MISMATCH' as code,
    'warning' as severity,
    'table3: carried_over differs from the carried_forward of the same agency''s '
    || cast(report_year - 1 as varchar) || ' report (' || prior_report_id || ') in '
    || string_agg(difference, ', ' order by column_key) as message,
    'table3' as table_name,
    '[' || string_agg('"carried_over.' || column_key || '"', ', ' order by column_key) || ']' as cells
from differences
group by report_id, agency_id, report_year, prior_report_id
