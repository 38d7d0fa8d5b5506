-- The GB/T 2260 divisions by year (seed divisions, generated from ingest.regions), one row per run
-- of a code, and the explicit member `unknown` for a report whose region could not be decided.
with divisions as (
    select
        region_key,
        region_code,
        region_name,
        short_name,
        level,
        parent_code,
        province_code,
        prefecture_code,
        full_path,
        valid_from,
        valid_to
    from {{ ref('divisions') }}
),

unknown as (
    select
        'unknown' as region_key,
        'unknown' as region_code,
        '未知' as region_name,
        '未知' as short_name,
        'unknown' as level,
        cast(null as varchar) as parent_code,
        cast(null as varchar) as province_code,
        cast(null as varchar) as prefecture_code,
        cast(null as varchar) as full_path,
        cast(null as integer) as valid_from,
        cast(null as integer) as valid_to
)

select
    cast(region_key as varchar) as region_key,
    cast(region_code as varchar) as region_code,
    cast(region_name as varchar) as region_name,
    cast(short_name as varchar) as short_name,
    cast(level as varchar) as level,
    cast(parent_code as varchar) as parent_code,
    cast(province_code as varchar) as province_code,
    cast(prefecture_code as varchar) as prefecture_code,
    cast(full_path as varchar) as full_path,
    cast(valid_from as integer) as valid_from,
    cast(valid_to as integer) as valid_to,
    cast(region_key <> 'unknown' and valid_to is null as boolean) as is_current
from divisions
union all
select
    cast(region_key as varchar) as region_key,
    cast(region_code as varchar) as region_code,
    cast(region_name as varchar) as region_name,
    cast(short_name as varchar) as short_name,
    cast(level as varchar) as level,
    cast(parent_code as varchar) as parent_code,
    cast(province_code as varchar) as province_code,
    cast(prefecture_code as varchar) as prefecture_code,
    cast(full_path as varchar) as full_path,
    cast(valid_from as integer) as valid_from,
    cast(valid_to as integer) as valid_to,
    cast(false as boolean) as is_current
from unknown
