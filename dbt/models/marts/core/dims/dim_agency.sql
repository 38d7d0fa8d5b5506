with reports as (
    select *
    from {{ ref('stg_parsed__reports') }}
    where agency_id is not null
),

-- the name printed most often for the agency (ties: latest year, then the smallest name)
names as (
    select
        agency_id,
        agency_name,
        count(*) as n,
        max(report_year) as last_year
    from reports
    group by agency_id, agency_name
),

best_name as (
    select
        agency_id,
        agency_name
    from names
    qualify row_number() over (
        partition by agency_id order by n desc, last_year desc, agency_name asc
    ) = 1
),

-- the region of the latest report that names one
best_region as (
    select
        agency_id,
        region_code,
        region_name
    from reports
    where region_code is not null or region_name is not null
    qualify row_number() over (
        partition by agency_id order by report_year desc, report_id asc
    ) = 1
),

counts as (
    select
        agency_id,
        count(distinct report_id) as n_reports
    from reports
    group by agency_id
)

select
    cast(c.agency_id as varchar) as agency_id,
    cast(n.agency_name as varchar) as agency_name,
    cast(g.region_code as varchar) as region_code,
    cast(g.region_name as varchar) as region_name,
    cast(coalesce(g.region_code, g.region_name) as varchar) as region_key,
    cast(c.n_reports as integer) as n_reports
from counts as c
left join best_name as n on c.agency_id = n.agency_id
left join best_region as g on c.agency_id = g.agency_id
