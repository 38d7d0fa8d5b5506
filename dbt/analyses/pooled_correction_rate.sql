-- How often are agencies corrected in administrative reconsideration and litigation (纠错率)? Per
-- report year, pooled over every agency-year (sum of corrected over sum of cases; each case weighs
-- the same), both variants of the rate: all cases (pending ones included) and the decided ones only,
-- with the mean of the agency rates beside them. Reports whose own tables do not add up are left out
-- (arithmetic_ok); figures stated in the prose count like printed ones. The formulas are the macros
-- mart_agency_year and mart_region_year use.
with agency_years as (
    select *
    from {{ ref('mart_agency_year') }}
    where arithmetic_ok
),

pooled as (
    select
        report_year,
        count(*) filter (where reconsideration_correction_rate is not null) as agencies_with_reconsiderations,
        sum(reconsideration_total) filter (where reconsideration_correction_rate is not null) as reconsiderations,
        sum(reconsideration_corrected) filter (
            where reconsideration_correction_rate is not null
        ) as reconsiderations_corrected,
        sum(reconsideration_total) filter (where reconsideration_decided_correction_rate is not null)
            as reconsiderations_for_decided,
        sum(reconsideration_corrected) filter (where reconsideration_decided_correction_rate is not null)
            as reconsiderations_corrected_for_decided,
        sum(reconsideration_pending) filter (where reconsideration_decided_correction_rate is not null)
            as reconsiderations_pending,
        avg(reconsideration_correction_rate) as mean_agency_reconsideration_rate,
        count(*) filter (where litigation_correction_rate is not null) as agencies_with_lawsuits,
        sum(litigation_total) filter (where litigation_correction_rate is not null) as lawsuits,
        sum(litigation_corrected) filter (where litigation_correction_rate is not null) as lawsuits_corrected,
        sum(litigation_total) filter (where litigation_decided_correction_rate is not null) as lawsuits_for_decided,
        sum(litigation_corrected) filter (where litigation_decided_correction_rate is not null)
            as lawsuits_corrected_for_decided,
        sum(litigation_pending) filter (where litigation_decided_correction_rate is not null) as lawsuits_pending,
        avg(litigation_correction_rate) as mean_agency_litigation_rate
    from agency_years
    group by report_year
)

select
    report_year,
    agencies_with_reconsiderations,
    reconsiderations,
    reconsiderations_corrected,
    round({{ correction_rate('reconsiderations_corrected', 'reconsiderations') }}, 4)
        as reconsideration_correction_rate,
    round({{ decided_correction_rate(
        'reconsiderations_corrected_for_decided', 'reconsiderations_for_decided', 'reconsiderations_pending'
    ) }}, 4) as reconsideration_decided_correction_rate,
    round(mean_agency_reconsideration_rate, 4) as mean_agency_reconsideration_rate,
    agencies_with_lawsuits,
    lawsuits,
    lawsuits_corrected,
    round({{ correction_rate('lawsuits_corrected', 'lawsuits') }}, 4) as litigation_correction_rate,
    round({{ decided_correction_rate(
        'lawsuits_corrected_for_decided', 'lawsuits_for_decided', 'lawsuits_pending'
    ) }}, 4) as litigation_decided_correction_rate,
    round(mean_agency_litigation_rate, 4) as mean_agency_litigation_rate
from pooled
order by report_year
