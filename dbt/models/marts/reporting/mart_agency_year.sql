-- One row per agency and year: the figures of the report int_reports_ranked picks, read from the
-- facts, else (no table, or the cell unreadable) from the numbers its prose states
-- (int_narrative_figures); each figure's *_source says which. Figures are the report's own printed
-- `total` column: broken arithmetic in a report is a finding (arithmetic_ok, from dim_report), not a
-- reason to drop or recompute anything. The rates are the macros of macros/metrics.sql. Key lists come
-- from the dims (outcome groups and the generations of the (六)其他处理 rows, litigation
-- proceedings), never restated here. The agency-year's type, level, format and region (one dim_region
-- member, every level's code and name) are its report's.
with picked as (
    select *
    from {{ ref('int_reports_ranked') }}
    where report_rank = 1
),

requests as (
    select
        report_id,
        max(case when stage = 'new_received' then requests end) as requests_new,
        max(case when stage = 'carried_over' then requests end) as requests_carried_over,
        max(case when stage = 'total_processed' then requests end) as requests_total_processed,
        max(case when stage = 'carried_forward' then requests end) as requests_carried_forward
    from {{ ref('fct_requests') }}
    where applicant_type = 'total'
    group by report_id
),

outcomes as (
    select
        o.report_id,
        sum(case when o.outcome_group = 'granted' then o.requests end) as granted,
        sum(case when o.outcome_group = 'partially_granted' then o.requests end) as partially_granted,
        sum(case when o.outcome_group = 'denied' then o.requests end) as denied,
        sum(case when o.outcome_group = 'unable' then o.requests end) as unable,
        sum(case when o.outcome_group = 'rejected' then o.requests end) as rejected,
        -- (六)其他处理: the 2019 format prints one row, the 2021 format its leaves; the row printed
        -- as one wins when a report has both
        coalesce(
            sum(case when o.outcome_group = 'other' and d.generations = '2019' then o.requests end),
            sum(case when o.outcome_group = 'other' and d.generations = '2021' then o.requests end)
        ) as other_processed
    from {{ ref('fct_request_outcomes') }} as o
    left join {{ ref('dim_outcome') }} as d on o.outcome = d.outcome
    where o.applicant_type = 'total'
    group by o.report_id
),

litigation as (
    select
        l.report_id,
        max(case when l.proceeding = 'reconsideration' and l.result = 'total' then l.cases end)
            as reconsideration_total,
        max(case when l.proceeding = 'reconsideration' and l.result = 'corrected' then l.cases end)
            as reconsideration_corrected,
        max(case when l.proceeding = 'reconsideration' and l.result = 'pending' then l.cases end)
            as reconsideration_pending,
        sum(case when p.is_litigation and l.result = 'total' then l.cases end) as litigation_total,
        sum(case when p.is_litigation and l.result = 'corrected' then l.cases end) as litigation_corrected,
        sum(case when p.is_litigation and l.result = 'pending' then l.cases end) as litigation_pending
    from {{ ref('fct_litigation') }} as l
    left join {{ ref('dim_proceeding') }} as p on l.proceeding = p.proceeding
    group by l.report_id
),

-- the numbers the prose states, under the name of the figure each stands for
prose as (
    select
        report_id,
        max(case when figure = 'requests_new' then value end) as requests_new,
        max(case when figure = 'requests_total_processed' then value end) as requests_total_processed,
        max(case when figure = 'reconsideration_total' then value end) as reconsideration_total,
        max(case when figure = 'reconsideration_corrected' then value end) as reconsideration_corrected,
        max(case when figure = 'litigation_total' then value end) as litigation_total,
        max(case when figure = 'litigation_corrected' then value end) as litigation_corrected
    from {{ ref('int_narrative_figures') }}
    group by report_id
),

findings as (
    select
        report_id,
        count(*) filter (where severity = 'error') as n_findings_error,
        count(*) filter (where severity = 'warning') as n_findings_warning,
        count(*) filter (where severity = 'info') as n_findings_info
    from {{ ref('fct_report_findings') }}
    group by report_id
),

reports as (
    select
        report_id,
        arithmetic_ok
    from {{ ref('dim_report') }}
),

-- each figure: the table's, else the prose's (macro table_else_prose), and where it came from
figures as (
    select
        a.*,
        {{ table_else_prose('q.requests_new', 'p.requests_new') }} as requests_new,
        {{ figure_source('q.requests_new', 'p.requests_new') }} as requests_new_source,
        q.requests_carried_over,
        {{ figure_source('q.requests_carried_over') }} as requests_carried_over_source,
        {{ table_else_prose('q.requests_total_processed', 'p.requests_total_processed') }}
            as requests_total_processed,
        {{ figure_source('q.requests_total_processed', 'p.requests_total_processed') }}
            as requests_total_processed_source,
        q.requests_carried_forward,
        {{ figure_source('q.requests_carried_forward') }} as requests_carried_forward_source,
        o.granted,
        {{ figure_source('o.granted') }} as granted_source,
        o.partially_granted,
        {{ figure_source('o.partially_granted') }} as partially_granted_source,
        o.denied,
        {{ figure_source('o.denied') }} as denied_source,
        o.unable,
        {{ figure_source('o.unable') }} as unable_source,
        o.rejected,
        {{ figure_source('o.rejected') }} as rejected_source,
        o.other_processed,
        {{ figure_source('o.other_processed') }} as other_processed_source,
        {{ table_else_prose('l.reconsideration_total', 'p.reconsideration_total') }} as reconsideration_total,
        {{ figure_source('l.reconsideration_total', 'p.reconsideration_total') }} as reconsideration_total_source,
        {{ table_else_prose('l.reconsideration_corrected', 'p.reconsideration_corrected') }}
            as reconsideration_corrected,
        {{ figure_source('l.reconsideration_corrected', 'p.reconsideration_corrected') }}
            as reconsideration_corrected_source,
        l.reconsideration_pending,
        {{ figure_source('l.reconsideration_pending') }} as reconsideration_pending_source,
        {{ table_else_prose('l.litigation_total', 'p.litigation_total') }} as litigation_total,
        {{ figure_source('l.litigation_total', 'p.litigation_total') }} as litigation_total_source,
        {{ table_else_prose('l.litigation_corrected', 'p.litigation_corrected') }} as litigation_corrected,
        {{ figure_source('l.litigation_corrected', 'p.litigation_corrected') }} as litigation_corrected_source,
        l.litigation_pending,
        {{ figure_source('l.litigation_pending') }} as litigation_pending_source
    from picked as a
    left join requests as q on a.report_id = q.report_id
    left join outcomes as o on a.report_id = o.report_id
    left join litigation as l on a.report_id = l.report_id
    left join prose as p on a.report_id = p.report_id
)

select
    cast(a.agency_id as varchar) as agency_id,
    cast(a.report_year as integer) as report_year,
    cast(ag.agency_name as varchar) as agency_name,
    cast(a.agency_type as varchar) as agency_type,
    cast(a.agency_level as varchar) as agency_level,
    cast(a.format_version as varchar) as format_version,
    cast(a.region_key as varchar) as region_key,
    cast(a.region_code as varchar) as region_code,
    cast(rg.region_name as varchar) as region_name,
    cast(rg.level as varchar) as region_level,
    cast(a.region_method as varchar) as region_method,
    cast(a.province_code as varchar) as province_code,
    cast(a.province_name as varchar) as province_name,
    cast(a.prefecture_code as varchar) as prefecture_code,
    cast(a.prefecture_name as varchar) as prefecture_name,
    cast(a.county_code as varchar) as county_code,
    cast(a.county_name as varchar) as county_name,
    cast(a.report_id as varchar) as report_id,
    cast(a.n_reports as integer) as n_reports,
    cast(a.requests_new as integer) as requests_new,
    cast(a.requests_new_source as varchar) as requests_new_source,
    cast(a.requests_carried_over as integer) as requests_carried_over,
    cast(a.requests_carried_over_source as varchar) as requests_carried_over_source,
    cast(a.requests_total_processed as integer) as requests_total_processed,
    cast(a.requests_total_processed_source as varchar) as requests_total_processed_source,
    cast(a.requests_carried_forward as integer) as requests_carried_forward,
    cast(a.requests_carried_forward_source as varchar) as requests_carried_forward_source,
    cast(a.granted as integer) as granted,
    cast(a.granted_source as varchar) as granted_source,
    cast(a.partially_granted as integer) as partially_granted,
    cast(a.partially_granted_source as varchar) as partially_granted_source,
    cast(a.denied as integer) as denied,
    cast(a.denied_source as varchar) as denied_source,
    cast(a.unable as integer) as unable,
    cast(a.unable_source as varchar) as unable_source,
    cast(a.rejected as integer) as rejected,
    cast(a.rejected_source as varchar) as rejected_source,
    cast(a.other_processed as integer) as other_processed,
    cast(a.other_processed_source as varchar) as other_processed_source,
    cast({{ disclosure_rate('a.granted', 'a.partially_granted', 'a.requests_total_processed') }} as double)
        as disclosure_rate,
    cast({{ denial_rate('a.denied', 'a.requests_total_processed') }} as double) as denial_rate,
    cast(a.reconsideration_total as integer) as reconsideration_total,
    cast(a.reconsideration_total_source as varchar) as reconsideration_total_source,
    cast(a.reconsideration_corrected as integer) as reconsideration_corrected,
    cast(a.reconsideration_corrected_source as varchar) as reconsideration_corrected_source,
    cast(a.reconsideration_pending as integer) as reconsideration_pending,
    cast(a.reconsideration_pending_source as varchar) as reconsideration_pending_source,
    cast({{ correction_rate('a.reconsideration_corrected', 'a.reconsideration_total') }} as double)
        as reconsideration_correction_rate,
    cast({{ decided_correction_rate(
        'a.reconsideration_corrected', 'a.reconsideration_total', 'a.reconsideration_pending'
    ) }} as double) as reconsideration_decided_correction_rate,
    cast(a.litigation_total as integer) as litigation_total,
    cast(a.litigation_total_source as varchar) as litigation_total_source,
    cast(a.litigation_corrected as integer) as litigation_corrected,
    cast(a.litigation_corrected_source as varchar) as litigation_corrected_source,
    cast(a.litigation_pending as integer) as litigation_pending,
    cast(a.litigation_pending_source as varchar) as litigation_pending_source,
    cast({{ correction_rate('a.litigation_corrected', 'a.litigation_total') }} as double)
        as litigation_correction_rate,
    cast({{ decided_correction_rate(
        'a.litigation_corrected', 'a.litigation_total', 'a.litigation_pending'
    ) }} as double) as litigation_decided_correction_rate,
    cast(r.arithmetic_ok as boolean) as arithmetic_ok,
    cast(coalesce(f.n_findings_error, 0) as integer) as n_findings_error,
    cast(coalesce(f.n_findings_warning, 0) as integer) as n_findings_warning,
    cast(coalesce(f.n_findings_info, 0) as integer) as n_findings_info
from figures as a
left join {{ ref('dim_agency') }} as ag on a.agency_id = ag.agency_id
left join {{ ref('dim_region') }} as rg on a.region_key = rg.region_key
left join reports as r on a.report_id = r.report_id
left join findings as f on a.report_id = f.report_id
