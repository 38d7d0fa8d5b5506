-- One row per agency and year: the figures of the report chosen by int_agency_year_reports.
select
    cast(a.agency_id as varchar)                       as agency_id,
    cast(a.report_year as integer)                     as report_year,
    cast(d.agency_name as varchar)                     as agency_name,
    cast(a.report_id as varchar)                       as report_id,
    cast(a.n_reports as integer)                       as n_reports,
    cast(m.requests_new as integer)                    as requests_new,
    cast(m.requests_carried_over as integer)           as requests_carried_over,
    cast(m.requests_total_processed as integer)        as requests_total_processed,
    cast(m.requests_carried_forward as integer)        as requests_carried_forward,
    cast(m.granted as integer)                         as granted,
    cast(m.partially_granted as integer)               as partially_granted,
    cast(m.denied as integer)                          as denied,
    cast(m.unable as integer)                          as unable,
    cast(m.rejected as integer)                        as rejected,
    cast(m.other_processed as integer)                 as other_processed,
    cast(m.disclosure_rate as double)                  as disclosure_rate,
    cast(m.denial_rate as double)                      as denial_rate,
    cast(m.reconsideration_total as integer)           as reconsideration_total,
    cast(m.reconsideration_corrected as integer)       as reconsideration_corrected,
    cast(m.reconsideration_correction_rate as double)  as reconsideration_correction_rate,
    cast(m.litigation_total as integer)                as litigation_total,
    cast(m.litigation_corrected as integer)            as litigation_corrected,
    cast(m.litigation_correction_rate as double)       as litigation_correction_rate,
    cast(m.n_findings_error as integer)                as n_findings_error,
    cast(m.n_findings_warning as integer)              as n_findings_warning,
    cast(m.n_findings_info as integer)                 as n_findings_info
from {{ ref('int_agency_year_reports') }} as a
inner join {{ ref('int_report_metrics') }} as m on m.report_id = a.report_id
left join {{ ref('dim_agency') }} as d on d.agency_id = a.agency_id
where a.report_rank = 1
