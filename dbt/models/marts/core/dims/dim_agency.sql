-- One row per agency key (ingest.regions.agency_key): a renamed body is one agency, the same name in
-- two places two. Its names as printed, its canonical name, type and level, and where it is.
with reports as (
    select *
    from {{ ref('stg_parsed__reports') }}
    where agency_id is not null
),

names as (
    select
        agency_id,
        agency_name,
        count(*) as n,
        min(report_year) as first_year,
        max(report_year) as last_year
    from reports
    group by agency_id, agency_name
),

-- the name printed most often (ties: latest year, then the smallest name)
best_name as (
    select
        agency_id,
        agency_name
    from names
    qualify row_number() over (
        partition by agency_id order by n desc, last_year desc, agency_name asc
    ) = 1
),

printed as (
    select
        agency_id,
        string_agg(agency_name, ' | ' order by first_year asc, agency_name asc) as printed_names,
        count(*) as n_printed_names
    from names
    group by agency_id
),

-- identity and place from the latest report (a resolved region before an unknown one)
latest as (
    select
        agency_id,
        agency_canonical_name,
        agency_type,
        agency_level,
        region_key,
        region_code
    from reports
    qualify row_number() over (
        partition by agency_id
        order by report_year desc, (region_code = 'unknown') asc, report_id asc
    ) = 1
),

counts as (
    select
        agency_id,
        count(distinct report_id) as n_reports,
        min(report_year) as first_year,
        max(report_year) as last_year
    from reports
    group by agency_id
)

select
    cast(c.agency_id as varchar) as agency_id,
    cast(n.agency_name as varchar) as agency_name,
    cast(l.agency_canonical_name as varchar) as agency_canonical_name,
    cast(p.printed_names as varchar) as printed_names,
    cast(p.n_printed_names as integer) as n_printed_names,
    cast(l.agency_type as varchar) as agency_type,
    cast(t.label_zh as varchar) as agency_type_zh,
    cast(l.agency_level as varchar) as agency_level,
    cast(l.region_key as varchar) as region_key,
    cast(l.region_code as varchar) as region_code,
    cast(r.region_name as varchar) as region_name,
    cast(c.first_year as integer) as first_year,
    cast(c.last_year as integer) as last_year,
    cast(c.n_reports as integer) as n_reports
from counts as c
left join best_name as n on c.agency_id = n.agency_id
left join printed as p on c.agency_id = p.agency_id
left join latest as l on c.agency_id = l.agency_id
left join {{ ref('agency_types') }} as t on l.agency_type = t.agency_type
left join {{ ref('dim_region') }} as r on l.region_key = r.region_key
