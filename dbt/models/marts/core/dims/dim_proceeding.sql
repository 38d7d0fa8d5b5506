select
    cast(proceeding as varchar) as proceeding,
    cast(label_zh as varchar) as label_zh,
    cast(is_litigation as boolean) as is_litigation,
    cast(sort_order as integer) as sort_order
from {{ ref('proceedings') }}
