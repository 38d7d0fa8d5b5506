-- Every year from var('first_year') to var('last_complete_year') (the calendar, passed from
-- ingest/calendar.py), widened to any year a report in the warehouse is on.
with bounds as (
    select
        least({{ var('first_year') }}, min(report_year)) as first_year,
        greatest({{ var('last_complete_year') }}, max(report_year)) as last_year
    from {{ ref('stg_parsed__reports') }}
),

years as (
    select unnest(generate_series(first_year, last_year)) as report_year
    from bounds
)

select
    cast(report_year as integer) as report_year,
    cast({{ format_generation('report_year') }} as varchar) as format_version,
    cast(report_year <= {{ var('last_complete_year') }} as boolean) as is_complete
from years
