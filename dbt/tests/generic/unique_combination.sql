{#- The combination of columns is unique in the model (a key made of several columns).
    Rows where every key column is NULL are still counted: keys must also be tested not_null. -#}
{% test unique_combination(model, combination_of_columns) %}
select
    {% for col in combination_of_columns %}{{ col }}, {% endfor %}
    count(*) as n_rows
from {{ model }}
group by {% for col in combination_of_columns %}{{ col }}{{ ", " if not loop.last }}{% endfor %}
having count(*) > 1
{% endtest %}
