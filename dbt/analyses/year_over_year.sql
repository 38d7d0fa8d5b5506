-- How did each agency's requests change from one year to the next? One row per agency and year that
-- follows a year the agency also reported: requests received then and now, the change and the ratio.
-- Only consecutive years, and only where both figures are known (table or prose: the sources say).
with agency_years as (
    select
        agency_id,
        agency_name,
        report_year,
        requests_new,
        requests_new_source,
        lag(report_year) over (partition by agency_id order by report_year) as prior_year,
        lag(requests_new) over (partition by agency_id order by report_year) as prior_requests_new,
        lag(requests_new_source) over (partition by agency_id order by report_year) as prior_source
    from {{ ref('mart_agency_year') }}
)

select
    agency_name,
    report_year,
    prior_requests_new,
    requests_new,
    requests_new - prior_requests_new as difference,
    round({{ safe_ratio('requests_new', 'prior_requests_new') }}, 3) as ratio,
    prior_source || ' -> ' || requests_new_source as sources
from agency_years
where
    prior_year = report_year - 1
    and requests_new is not null
    and prior_requests_new is not null
order by abs(requests_new - prior_requests_new) desc, agency_name asc, report_year asc
