-- One row per report: the table-3 totals by stage and outcome group, the table-4 totals, finding
-- counts, and the rates. Every formula of mart_agency_year lives here (rates via safe_ratio).
-- Figures are read from the report's own `total` column as printed: broken arithmetic in a report
-- is a finding, not a reason to drop or recompute anything.
with reports as (
    select report_id, agency_id, report_year
    from {{ ref('stg_parsed__reports') }}
),

requests as (
    select
        report_id,
        max(case when stage = 'new_received' then requests end)    as requests_new,
        max(case when stage = 'carried_over' then requests end)    as requests_carried_over,
        max(case when stage = 'total_processed' then requests end) as requests_total_processed,
        max(case when stage = 'carried_forward' then requests end) as requests_carried_forward
    from {{ ref('fct_requests') }}
    where applicant_type = 'total'
    group by report_id
),

outcomes as (
    select
        report_id,
        sum(case when outcome_group = 'granted' then requests end)           as granted,
        sum(case when outcome_group = 'partially_granted' then requests end) as partially_granted,
        sum(case when outcome_group = 'denied' then requests end)            as denied,
        sum(case when outcome_group = 'unable' then requests end)            as unable,
        sum(case when outcome_group = 'rejected' then requests end)          as rejected,
        -- 2019 format prints one (六)其他处理 row (other_total); 2021 prints three leaves
        coalesce(
            max(case when outcome = 'other_total' then requests end),
            sum(case when outcome_group = 'other' and outcome <> 'other_total' then requests end)
        )                                                                    as other_processed
    from {{ ref('fct_request_outcomes') }}
    where applicant_type = 'total'
    group by report_id
),

litigation as (
    select
        report_id,
        max(case when proceeding = 'reconsideration' and result = 'total' then cases end)
            as reconsideration_total,
        max(case when proceeding = 'reconsideration' and result = 'corrected' then cases end)
            as reconsideration_corrected,
        sum(case when proceeding in ('litigation_direct', 'litigation_after_reconsideration')
                  and result = 'total' then cases end)
            as litigation_total,
        sum(case when proceeding in ('litigation_direct', 'litigation_after_reconsideration')
                  and result = 'corrected' then cases end)
            as litigation_corrected
    from {{ ref('fct_litigation') }}
    group by report_id
),

findings as (
    select
        report_id,
        count(*) filter (where severity = 'error')   as n_findings_error,
        count(*) filter (where severity = 'warning') as n_findings_warning,
        count(*) filter (where severity = 'info')    as n_findings_info
    from {{ ref('fct_report_findings') }}
    group by report_id
)

select
    r.report_id,
    r.agency_id,
    r.report_year,
    cast(q.requests_new as integer)              as requests_new,
    cast(q.requests_carried_over as integer)     as requests_carried_over,
    cast(q.requests_total_processed as integer)  as requests_total_processed,
    cast(q.requests_carried_forward as integer)  as requests_carried_forward,
    cast(o.granted as integer)                   as granted,
    cast(o.partially_granted as integer)         as partially_granted,
    cast(o.denied as integer)                    as denied,
    cast(o.unable as integer)                    as unable,
    cast(o.rejected as integer)                  as rejected,
    cast(o.other_processed as integer)           as other_processed,
    {{ safe_ratio('o.granted + o.partially_granted', 'q.requests_total_processed') }}
                                                 as disclosure_rate,
    {{ safe_ratio('o.denied', 'q.requests_total_processed') }}
                                                 as denial_rate,
    cast(l.reconsideration_total as integer)     as reconsideration_total,
    cast(l.reconsideration_corrected as integer) as reconsideration_corrected,
    {{ safe_ratio('l.reconsideration_corrected', 'l.reconsideration_total') }}
                                                 as reconsideration_correction_rate,
    cast(l.litigation_total as integer)          as litigation_total,
    cast(l.litigation_corrected as integer)      as litigation_corrected,
    {{ safe_ratio('l.litigation_corrected', 'l.litigation_total') }}
                                                 as litigation_correction_rate,
    cast(coalesce(f.n_findings_error, 0) as integer)   as n_findings_error,
    cast(coalesce(f.n_findings_warning, 0) as integer) as n_findings_warning,
    cast(coalesce(f.n_findings_info, 0) as integer)    as n_findings_info
from reports as r
left join requests as q on q.report_id = r.report_id
left join outcomes as o on o.report_id = r.report_id
left join litigation as l on l.report_id = r.report_id
left join findings as f on f.report_id = r.report_id
