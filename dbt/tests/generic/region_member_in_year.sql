{#- The region member in `column_name` (a dim_region key) is the run of its code valid in the row's
    year whenever the code has one: no other run of the same code covers that year. (A code kept
    although it is not in that year's list points at its nearest run; `unknown` has no run.)
    Rows returned are members that should have been another run. -#}
{% test region_member_in_year(model, column_name, year_column='report_year') %}
select
    m.{{ column_name }} as region_key,
    m.{{ year_column }} as report_year,
    r.region_key as member_of_the_year
from {{ model }} as m
inner join {{ ref('dim_region') }} as given on m.{{ column_name }} = given.region_key
inner join {{ ref('dim_region') }} as r
    on
        given.region_code = r.region_code
        and m.{{ year_column }} between r.valid_from and coalesce(r.valid_to, m.{{ year_column }})
where r.region_key <> m.{{ column_name }}
{% endtest %}
