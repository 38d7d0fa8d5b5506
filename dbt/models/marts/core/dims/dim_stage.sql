select
    cast(stage as varchar) as stage,
    cast(label_zh as varchar) as label_zh,
    cast(sort_order as integer) as sort_order
from {{ ref('stages') }}
