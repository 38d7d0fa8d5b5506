select
    cast(path as varchar) as path,
    cast(sha256 as varchar) as sha256,
    cast(size_bytes as bigint) as size_bytes,
    cast(first_seen as timestamp) as first_seen,
    cast(report_year as integer) as report_year,
    cast(year_source as varchar) as year_source,
    cast(status as varchar) as status,
    cast(duplicate_of as varchar) as duplicate_of,
    cast(url as varchar) as url,
    cast(manifest_agency as varchar) as manifest_agency,
    cast(manifest_region as varchar) as manifest_region
from {{ source('raw', 'index') }}
