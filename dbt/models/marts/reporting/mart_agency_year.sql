-- One row per agency and year: the figures of the report int_reports_ranked picks, read from the
-- facts. Every formula of the mart is here, written once (rates via safe_ratio). Figures are the
-- report's own printed `total` column: broken arithmetic in a report is a finding, not a reason to
-- drop or recompute anything. Key lists come from the dims (outcome groups and the generations of
-- the (六)其他处理 rows, litigation proceedings), never restated here. The agency-year's type, level,
-- format and region (one dim_region member, every level's code and name) are its report's.
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
        sum(case when p.is_litigation and l.result = 'total' then l.cases end) as litigation_total,
        sum(case when p.is_litigation and l.result = 'corrected' then l.cases end) as litigation_corrected
    from {{ ref('fct_litigation') }} as l
    left join {{ ref('dim_proceeding') }} as p on l.proceeding = p.proceeding
    group by l.report_id
),

findings as (
    select
        report_id,
        count(*) filter (where severity = 'error') as n_findings_error,
        count(*) filter (where severity = 'warning') as n_findings_warning,
        count(*) filter (where severity = 'info') as n_findings_info
    from {{ ref('fct_report_findings') }}
    group by report_id
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
    cast(q.requests_new as integer) as requests_new,
    cast(q.requests_carried_over as integer) as requests_carried_over,
    cast(q.requests_total_processed as integer) as requests_total_processed,
    cast(q.requests_carried_forward as integer) as requests_carried_forward,
    cast(o.granted as integer) as granted,
    cast(o.partially_granted as integer) as partially_granted,
    cast(o.denied as integer) as denied,
    cast(o.unable as integer) as unable,
    cast(o.rejected as integer) as rejected,
    cast(o.other_processed as integer) as other_processed,
    cast({{ safe_ratio('o.granted + o.partially_granted', 'q.requests_total_processed') }} as double)
        as disclosure_rate,
    cast({{ safe_ratio('o.denied', 'q.requests_total_processed') }} as double) as denial_rate,
    cast(l.reconsideration_total as integer) as reconsideration_total,
    cast(l.reconsideration_corrected as integer) as reconsideration_corrected,
    cast({{ safe_ratio('l.reconsideration_corrected', 'l.reconsideration_total') }} as double)
        as reconsideration_correction_rate,
    cast(l.litigation_total as integer) as litigation_total,
    cast(l.litigation_corrected as integer) as litigation_corrected,
    cast({{ safe_ratio('l.litigation_corrected', 'l.litigation_total') }} as double)
        as litigation_correction_rate,
    cast(coalesce(f.n_findings_error, 0) as integer) as n_findings_error,
    cast(coalesce(f.n_findings_warning, 0) as integer) as n_findings_warning,
    cast(coalesce(f.n_findings_info, 0) as integer) as n_findings_info
from picked as a
left join {{ ref('dim_agency') }} as ag on a.agency_id = ag.agency_id
left join {{ ref('dim_region') }} as rg on a.region_key = rg.region_key
left join requests as q on a.report_id = q.report_id
left join outcomes as o on a.report_id = o.report_id
left join litigation as l on a.report_id = l.report_id
left join findings as f on a.report_id = f.report_id
