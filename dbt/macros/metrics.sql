{#- Metric formulas, each written once. Documented in macros/_macros.yml; covered by the unit tests
    of the models that use them (mart_agency_year, dim_year, dim_region). -#}

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

{#- Administrative level of a region: from a GB/T 2260 code when there is one
    (XX0000 province, XXXX00 prefecture, else county), else from the end of the name;
    NULL when neither tells (a name ending in 市 can be a prefecture or a county-level city; a
    development zone such as 杭州高新区 is no administrative level). -#}
{% macro region_level(code, name) -%}
    case
        when regexp_full_match({{ code }}, '[0-9]{6}') then
            case
                when right({{ code }}, 4) = '0000' then 'province'
                when right({{ code }}, 2) = '00' then 'prefecture'
                else 'county'
            end
        when {{ name }} in ('北京市', '天津市', '上海市', '重庆市') then 'province'
        when regexp_full_match({{ name }}, '.*(省|自治区|特别行政区)') then 'province'
        when regexp_full_match({{ name }}, '.*(自治州|地区|盟)') then 'prefecture'
        when regexp_full_match({{ name }}, '.*(高新区|开发区|新区|园区|试验区|示范区)') then null
        when regexp_full_match({{ name }}, '.*(县|旗|区)') then 'county'
        else null
    end
{%- endmacro %}

{#- Parent of a GB/T 2260 code: province XX0000 for a prefecture, prefecture XXXX00 for a county. -#}
{% macro region_parent_code(code) -%}
    case
        when not regexp_full_match({{ code }}, '[0-9]{6}') then null
        when right({{ code }}, 4) = '0000' then null
        when right({{ code }}, 2) = '00' then left({{ code }}, 2) || '0000'
        else left({{ code }}, 4) || '00'
    end
{%- endmacro %}
