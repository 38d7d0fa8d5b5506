-- Every report with a known agency, ranked within its agency and year: the report used for the
-- agency-year is the one with the most of tables 2/3/4, then the latest published_date, then the
-- smallest report_id (so the choice never depends on load order). The report's agency attributes,
-- region member and format come along, so the agency-year takes them from the report it uses.
with reports as (
    select
        report_id,
        agency_id,
        report_year,
        published_date,
        format_version,
        agency_type,
        agency_level,
        region_key,
        region_code,
        region_method,
        region_valid_in_year,
        province_code,
        province_name,
        prefecture_code,
        prefecture_name,
        county_code,
        county_name,
        cast(coalesce(has_table2, false) as integer)
        + cast(coalesce(has_table3, false) as integer)
        + cast(coalesce(has_table4, false) as integer) as n_tables
    from {{ ref('stg_parsed__reports') }}
    where agency_id is not null
)

select
    report_id,
    agency_id,
    report_year,
    published_date,
    format_version,
    agency_type,
    agency_level,
    region_key,
    region_code,
    region_method,
    region_valid_in_year,
    province_code,
    province_name,
    prefecture_code,
    prefecture_name,
    county_code,
    county_name,
    n_tables,
    cast(row_number() over (
        partition by agency_id, report_year
        order by n_tables desc, published_date desc nulls last, report_id asc
    ) as integer) as report_rank,
    cast(count(*) over (partition by agency_id, report_year) as integer) as n_reports
from reports
