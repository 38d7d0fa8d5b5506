select
    cast(item as varchar) as item,
    cast(label_zh as varchar) as label_zh,
    cast(sort_order as integer) as sort_order
from {{ ref('table2_items') }}
