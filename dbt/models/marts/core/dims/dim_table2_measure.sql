select
    cast(measure as varchar) as measure,
    cast(label_zh as varchar) as label_zh,
    cast(generations as varchar) as generations,
    cast(sort_order as integer) as sort_order
from {{ ref('table2_measures') }}
