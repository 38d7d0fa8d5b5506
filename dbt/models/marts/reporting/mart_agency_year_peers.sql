-- Where an agency-year stands among its peers: the agency-years of the same year, agency_type and
-- province. A rate is given only when its denominator reaches var('small_number_guard') (30):
-- the disclosure rate needs 30 processed requests, a correction rate 30 cases (its total); a rate under
-- the guard is NULL and has no percentile. The percentile is the rate's percent rank (0 lowest,
-- 100 highest, ties share one) among the peers that pass the guard, NULL when there is no other.
with agency_years as (
    select
        agency_id,
        report_year,
        agency_type,
        province_code,
        requests_total_processed,
        reconsideration_total,
        litigation_total,
        case
            when requests_total_processed >= {{ var('small_number_guard') }} then disclosure_rate
        end as disclosure_rate,
        case
            when reconsideration_total >= {{ var('small_number_guard') }} then reconsideration_correction_rate
        end as reconsideration_correction_rate,
        case
            when litigation_total >= {{ var('small_number_guard') }} then litigation_correction_rate
        end as litigation_correction_rate
    from {{ ref('mart_agency_year') }}
),

ranked as (
    select
        *,
        count(disclosure_rate) over peers_disclosure as disclosure_peers,
        percent_rank() over peers_disclosure_ordered as disclosure_rank,
        count(reconsideration_correction_rate) over peers_reconsideration as reconsideration_peers,
        percent_rank() over peers_reconsideration_ordered as reconsideration_rank,
        count(litigation_correction_rate) over peers_litigation as litigation_peers,
        percent_rank() over peers_litigation_ordered as litigation_rank
    from agency_years
    window
        peers_disclosure as (
            partition by report_year, agency_type, province_code, disclosure_rate is not null
        ),
        peers_disclosure_ordered as (
            partition by report_year, agency_type, province_code, disclosure_rate is not null
            order by disclosure_rate
        ),
        peers_reconsideration as (
            partition by report_year, agency_type, province_code, reconsideration_correction_rate is not null
        ),
        peers_reconsideration_ordered as (
            partition by report_year, agency_type, province_code, reconsideration_correction_rate is not null
            order by reconsideration_correction_rate
        ),
        peers_litigation as (
            partition by report_year, agency_type, province_code, litigation_correction_rate is not null
        ),
        peers_litigation_ordered as (
            partition by report_year, agency_type, province_code, litigation_correction_rate is not null
            order by litigation_correction_rate
        )
)

select
    cast(agency_id as varchar) as agency_id,
    cast(report_year as integer) as report_year,
    cast(agency_type as varchar) as agency_type,
    cast(province_code as varchar) as province_code,
    cast(requests_total_processed as integer) as requests_total_processed,
    cast(disclosure_rate as double) as disclosure_rate,
    cast(case when disclosure_rate is not null and province_code is not null then disclosure_peers end as integer)
        as disclosure_peers,
    cast(case
        when disclosure_rate is not null and province_code is not null and disclosure_peers > 1
            then 100 * disclosure_rank
    end as double) as disclosure_rate_percentile,
    cast(reconsideration_total as integer) as reconsideration_total,
    cast(reconsideration_correction_rate as double) as reconsideration_correction_rate,
    cast(case
        when reconsideration_correction_rate is not null and province_code is not null then reconsideration_peers
    end as integer) as reconsideration_peers,
    cast(case
        when reconsideration_correction_rate is not null and province_code is not null and reconsideration_peers > 1
            then 100 * reconsideration_rank
    end as double) as reconsideration_correction_rate_percentile,
    cast(litigation_total as integer) as litigation_total,
    cast(litigation_correction_rate as double) as litigation_correction_rate,
    cast(case
        when litigation_correction_rate is not null and province_code is not null then litigation_peers
    end as integer) as litigation_peers,
    cast(case
        when litigation_correction_rate is not null and province_code is not null and litigation_peers > 1
            then 100 * litigation_rank
    end as double) as litigation_correction_rate_percentile
from ranked
