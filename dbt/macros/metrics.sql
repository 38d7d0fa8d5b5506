{#- Metric formulas, each written once. Documented in macros/_macros.yml; covered by the unit tests
    of the models that use them (mart_agency_year, mart_region_year, mart_agency_year_peers, dim_year). -#}

{#- num / den as DOUBLE; NULL when den is NULL or 0 (a rate of nothing is unknown, not 0). -#}
{% macro safe_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast({{ numerator }} as double) / cast({{ denominator }} as double)
    end
{%- endmacro %}

{#- Format generation of the reports on a year (spec: REPORT_FORMAT.md, "Generations"). -#}
{% macro format_generation(year) -%}
    case
        when {{ year }} >= 2021 then '2021'
        when {{ year }} >= 2019 then '2019'
        else 'pre2019'
    end
{%- endmacro %}
