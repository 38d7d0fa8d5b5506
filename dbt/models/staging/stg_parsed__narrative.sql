select
    cast(report_id as varchar) as report_id,
    cast(report_year as integer) as report_year,
    cast(key as varchar) as key,
    cast(value as double) as value
from {{ source('parsed', 'narrative') }}
