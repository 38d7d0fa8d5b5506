-- Regional roll-ups of mart_agency_year: each agency-year counts once at every level it lies in
-- (its province, its prefecture, its county-level division), so a prefecture's row includes its
-- counties' agencies and a province's row everything inside it. An agency-year whose province is
-- unknown counts in the province-level row `unknown` only, so the province rows of a year add up to
-- the whole year. Rates are pooled: the rate macros of macros/metrics.sql (the same formulas as
-- mart_agency_year) applied to the sums of the agency-years whose own rate is defined, not means of
-- agency rates (given beside them as mean_agency_*): see the yml. Figures a report's prose states
-- (mart_agency_year's *_source = 'prose') count in the sums like printed ones.
with agency_years as (
    select *
    from {{ ref('mart_agency_year') }}
),

levels as (
    select unnest(['province', 'prefecture', 'county']) as level
),

-- every agency-year at each level it lies in; a level above its own place has no code (skipped)
placed as (
    select
        l.level,
        case l.level
            when 'province' then coalesce(a.province_code, 'unknown')
            when 'prefecture' then a.prefecture_code
            else a.county_code
        end as roll_code,
        case l.level
            when 'province' then coalesce(a.province_name, '未知')
            when 'prefecture' then a.prefecture_name
            else a.county_name
        end as roll_name,
        case l.level
            when 'prefecture' then a.province_code
            when 'county' then coalesce(a.prefecture_code, a.province_code)
        end as roll_parent_code,
        a.*
    from agency_years as a
    cross join levels as l
),

rolled as (
    select
        level,
        roll_code as region_code,
        report_year,
        max(roll_name) as region_name,
        max(roll_parent_code) as parent_code,
        max(province_code) as province_code,
        sum(n_reports) as reports_received,
        count(distinct agency_id) as agencies_reporting,
        sum(requests_new) as requests_new,
        sum(requests_carried_over) as requests_carried_over,
        sum(requests_total_processed) as requests_total_processed,
        sum(requests_carried_forward) as requests_carried_forward,
        sum(granted) as granted,
        sum(partially_granted) as partially_granted,
        sum(denied) as denied,
        sum(unable) as unable,
        sum(rejected) as rejected,
        sum(other_processed) as other_processed,
        sum(reconsideration_total) as reconsideration_total,
        sum(reconsideration_corrected) as reconsideration_corrected,
        sum(reconsideration_pending) as reconsideration_pending,
        sum(litigation_total) as litigation_total,
        sum(litigation_corrected) as litigation_corrected,
        sum(litigation_pending) as litigation_pending,
        -- each pooled rate sums its numerator's and denominator's figures over the agency-years
        -- whose own rate is defined (all its figures given, denominator > 0), so one unreadable cell
        -- does not bias it
        sum(granted) filter (where disclosure_rate is not null) as granted_for_disclosure,
        sum(partially_granted) filter (where disclosure_rate is not null) as partially_granted_for_disclosure,
        sum(requests_total_processed) filter (where disclosure_rate is not null) as processed_for_disclosure,
        sum(denied) filter (where denial_rate is not null) as denied_for_denial,
        sum(requests_total_processed) filter (where denial_rate is not null) as processed_for_denial,
        sum(reconsideration_corrected) filter (
            where reconsideration_correction_rate is not null
        ) as reconsideration_corrected_pooled,
        sum(reconsideration_total) filter (
            where reconsideration_correction_rate is not null
        ) as reconsideration_total_pooled,
        sum(reconsideration_corrected) filter (
            where reconsideration_decided_correction_rate is not null
        ) as reconsideration_corrected_decided,
        sum(reconsideration_total) filter (
            where reconsideration_decided_correction_rate is not null
        ) as reconsideration_total_decided,
        sum(reconsideration_pending) filter (
            where reconsideration_decided_correction_rate is not null
        ) as reconsideration_pending_decided,
        sum(litigation_corrected) filter (where litigation_correction_rate is not null) as litigation_corrected_pooled,
        sum(litigation_total) filter (where litigation_correction_rate is not null) as litigation_total_pooled,
        sum(litigation_corrected) filter (
            where litigation_decided_correction_rate is not null
        ) as litigation_corrected_decided,
        sum(litigation_total) filter (
            where litigation_decided_correction_rate is not null
        ) as litigation_total_decided,
        sum(litigation_pending) filter (
            where litigation_decided_correction_rate is not null
        ) as litigation_pending_decided,
        count(*) filter (where not arithmetic_ok) as agencies_arithmetic_failed,
        count(disclosure_rate) as agencies_with_disclosure_rate,
        avg(disclosure_rate) as mean_agency_disclosure_rate,
        avg(denial_rate) as mean_agency_denial_rate,
        avg(reconsideration_correction_rate) as mean_agency_reconsideration_correction_rate,
        avg(litigation_correction_rate) as mean_agency_litigation_correction_rate
    from placed
    where roll_code is not null
    group by level, roll_code, report_year
),

-- the dim_region member of each rolled-up code: its run valid in the year, else the nearest run
members as (
    select
        r.level,
        r.region_code,
        r.report_year,
        d.region_key
    from rolled as r
    inner join {{ ref('dim_region') }} as d on r.region_code = d.region_code
    qualify row_number() over (
        partition by r.level, r.region_code, r.report_year
        order by
            greatest(
                coalesce(d.valid_from - r.report_year, 0),
                coalesce(r.report_year - d.valid_to, 0),
                0
            ) asc,
            d.valid_from desc nulls last
    ) = 1
)

select
    cast(r.level as varchar) as level,
    cast(r.region_code as varchar) as region_code,
    cast(r.report_year as integer) as report_year,
    cast(coalesce(d.region_key, 'unknown') as varchar) as region_key,
    cast(r.region_name as varchar) as region_name,
    cast(r.parent_code as varchar) as parent_code,
    cast(r.province_code as varchar) as province_code,
    cast(r.reports_received as integer) as reports_received,
    cast(r.agencies_reporting as integer) as agencies_reporting,
    cast(r.requests_new as integer) as requests_new,
    cast(r.requests_carried_over as integer) as requests_carried_over,
    cast(r.requests_total_processed as integer) as requests_total_processed,
    cast(r.requests_carried_forward as integer) as requests_carried_forward,
    cast(r.granted as integer) as granted,
    cast(r.partially_granted as integer) as partially_granted,
    cast(r.denied as integer) as denied,
    cast(r.unable as integer) as unable,
    cast(r.rejected as integer) as rejected,
    cast(r.other_processed as integer) as other_processed,
    cast(r.reconsideration_total as integer) as reconsideration_total,
    cast(r.reconsideration_corrected as integer) as reconsideration_corrected,
    cast(r.reconsideration_pending as integer) as reconsideration_pending,
    cast(r.litigation_total as integer) as litigation_total,
    cast(r.litigation_corrected as integer) as litigation_corrected,
    cast(r.litigation_pending as integer) as litigation_pending,
    cast({{ disclosure_rate(
        'r.granted_for_disclosure', 'r.partially_granted_for_disclosure', 'r.processed_for_disclosure'
    ) }} as double) as disclosure_rate,
    cast({{ denial_rate('r.denied_for_denial', 'r.processed_for_denial') }} as double) as denial_rate,
    cast({{ correction_rate('r.reconsideration_corrected_pooled', 'r.reconsideration_total_pooled') }} as double)
        as reconsideration_correction_rate,
    cast({{ decided_correction_rate(
        'r.reconsideration_corrected_decided', 'r.reconsideration_total_decided', 'r.reconsideration_pending_decided'
    ) }} as double) as reconsideration_decided_correction_rate,
    cast({{ correction_rate('r.litigation_corrected_pooled', 'r.litigation_total_pooled') }} as double)
        as litigation_correction_rate,
    cast({{ decided_correction_rate(
        'r.litigation_corrected_decided', 'r.litigation_total_decided', 'r.litigation_pending_decided'
    ) }} as double) as litigation_decided_correction_rate,
    cast(r.agencies_arithmetic_failed as integer) as agencies_arithmetic_failed,
    cast(r.agencies_with_disclosure_rate as integer) as agencies_with_disclosure_rate,
    cast(r.mean_agency_disclosure_rate as double) as mean_agency_disclosure_rate,
    cast(r.mean_agency_denial_rate as double) as mean_agency_denial_rate,
    cast(r.mean_agency_reconsideration_correction_rate as double) as mean_agency_reconsideration_correction_rate,
    cast(r.mean_agency_litigation_correction_rate as double) as mean_agency_litigation_correction_rate
from rolled as r
left join members as d
    on
        r.level = d.level
        and r.region_code = d.region_code
        and r.report_year = d.report_year
