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

{#- The finding codes that say a report's own printed tables do not add up (the spec's arithmetic,
    ingest/parser/findings.py): table 3's column balance, its outcome rows against total_processed,
    each row's total against the six applicant columns, and table 4's totals. dim_report's
    arithmetic_ok is true when a report has none of them. Left out on purpose: the cross-year codes
    (T3_CARRYOVER_MISMATCH, T2_IN_FORCE_MISMATCH) compare with another report, so the flag of year Y
    would change when year Y-1 is rebuilt and go stale in Y's incremental facts; NARRATIVE_MISMATCH
    and NARRATIVE_FIGURE_MISMATCH compare prose with the table, not the table with itself. -#}
{% macro arithmetic_finding_codes() -%}
    ('T3_COLUMN_BALANCE', 'T3_OUTCOME_SUM', 'T3_ROW_SUM', 'T4_TOTAL')
{%- endmacro %}
