select
    cast(applicant_type as varchar) as applicant_type,
    cast(label_zh as varchar) as label_zh,
    cast(is_organisation as boolean) as is_organisation,
    cast(sort_order as integer) as sort_order
from {{ ref('applicant_types') }}
