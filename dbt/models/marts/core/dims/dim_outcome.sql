select
    cast(outcome as varchar) as outcome,
    cast(label_zh as varchar) as label_zh,
    cast(leaf_label_zh as varchar) as leaf_label_zh,
    cast(outcome_group as varchar) as outcome_group,
    cast(outcome_group_zh as varchar) as outcome_group_zh,
    cast(generations as varchar) as generations,
    cast(sort_order as integer) as sort_order
from {{ ref('outcomes') }}
