-- Why are requests refused? For each report year, each 不予公开 reason's share of the refusals:
-- table 3's denied_* rows, printed total column, of the report each agency-year uses (is_primary), and
-- only reports whose own tables add up (arithmetic_ok). Labels from dim_outcome.
with denied as (
    select
        o.report_year,
        o.outcome,
        sum(o.requests) as requests
    from {{ ref('fct_request_outcomes') }} as o
    where
        o.is_primary
        and o.arithmetic_ok
        and o.applicant_type = 'total'
        and o.outcome_group = 'denied'
    group by o.report_year, o.outcome
)

select
    d.report_year,
    d.outcome,
    l.label_zh,
    d.requests,
    sum(d.requests) over (partition by d.report_year) as denied_in_year,
    round({{ safe_ratio('d.requests', 'sum(d.requests) over (partition by d.report_year)') }}, 3) as share_of_denied
from denied as d
inner join {{ ref('dim_outcome') }} as l on d.outcome = l.outcome
order by d.report_year asc, d.requests desc, l.sort_order asc
