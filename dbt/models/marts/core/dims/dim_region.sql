-- What the parser and the manifests know about regions: one row per code, or per name when a
-- report gives a name without a code. A later issue replaces this with the GB/T 2260 hierarchy.
with regions as (
    select
        coalesce(region_code, region_name) as region_key,
        region_code,
        region_name,
        count(*) as n
    from {{ ref('stg_parsed__reports') }}
    where coalesce(region_code, region_name) is not null
    group by all
),

best as (
    select *
    from regions
    qualify row_number() over (
        partition by region_key order by (region_name is null), n desc, region_name asc
    ) = 1
)

select
    cast(region_key as varchar) as region_key,
    cast(region_code as varchar) as region_code,
    cast(region_name as varchar) as region_name,
    cast({{ region_level('region_code', 'region_name') }} as varchar) as level,
    cast({{ region_parent_code('region_code') }} as varchar) as parent_code
from best
