select
    cast(path as varchar) as path,
    cast(sha256 as varchar) as sha256,
    cast(size_bytes as bigint) as size_bytes,
    cast(code as varchar) as code,
    cast(reason as varchar) as reason,
    cast(first_seen as timestamp) as first_seen
from {{ source('raw', 'quarantine') }}
