select
    cast(item as varchar) as item,
    cast(measure as varchar) as measure,
    cast(generations as varchar) as generations,
    cast(harmonised_measure as varchar) as harmonised_measure,
    cast(harmonised_label_zh as varchar) as harmonised_label_zh,
    cast(counterpart_measure as varchar) as counterpart_measure,
    cast(is_comparable as boolean) as is_comparable,
    cast(note as varchar) as note,
    cast(sort_order as integer) as sort_order
from {{ ref('table2_crosswalk') }}
