-- Which agencies receive the most information requests? One row per agency: the requests received
-- over every year it reported (the report its agency-year uses; a figure from the prose counts like a
-- printed one), the years, and its disclosure rate pooled over those years (macro disclosure_rate,
-- over the years whose own rate is defined and whose report adds up).
with agency_years as (
    select *
    from {{ ref('mart_agency_year') }}
    where requests_new is not null
),

per_agency as (
    select
        agency_id,
        sum(requests_new) as requests_received,
        count(*) as years_reported,
        min(report_year) as first_year,
        max(report_year) as last_year,
        count(*) filter (where requests_new_source = 'prose') as years_from_prose,
        sum(granted) filter (where disclosure_rate is not null and arithmetic_ok) as granted,
        sum(partially_granted) filter (where disclosure_rate is not null and arithmetic_ok) as partially_granted,
        sum(requests_total_processed) filter (where disclosure_rate is not null and arithmetic_ok) as processed
    from agency_years
    group by agency_id
)

select
    a.agency_name,
    a.agency_type,
    a.region_name,
    p.requests_received,
    p.years_reported,
    p.first_year,
    p.last_year,
    p.years_from_prose,
    round({{ disclosure_rate('p.granted', 'p.partially_granted', 'p.processed') }}, 3) as disclosure_rate,
    p.agency_id
from per_agency as p
inner join {{ ref('dim_agency') }} as a on p.agency_id = a.agency_id
order by p.requests_received desc, a.agency_name asc
limit 20
