-- The files that could not enter a year partition, and why (one row per landing path).
select
    cast(path as varchar) as path,
    cast(sha256 as varchar) as sha256,
    cast(size_bytes as bigint) as size_bytes,
    cast(code as varchar) as code,
    cast(reason as varchar) as reason,
    cast(first_seen as timestamp) as first_seen
from {{ ref('stg_raw__quarantine') }}
