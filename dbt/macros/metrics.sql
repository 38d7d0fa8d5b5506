{#- Metric formulas, each written once. Documented in macros/_macros.yml; covered by the unit tests
    of the models that use them (mart_agency_year, mart_region_year, dim_report, dim_year). -#}

{#- num / den as DOUBLE; NULL when den is NULL or 0 (a rate of nothing is unknown, not 0). -#}
{% macro safe_ratio(numerator, denominator) -%}
    case
        when {{ denominator }} is null or {{ denominator }} = 0 then null
        else cast({{ numerator }} as double) / cast({{ denominator }} as double)
    end
{%- endmacro %}

{#- The rates, each written once: mart_agency_year applies them to an agency-year's figures,
    mart_region_year to the sums of the agency-years whose own rate is defined (pooled). The
    choices that decide a number are here; the README's "Rates" section says why.

    Disclosure rate (公开率): requests disclosed in full or in part over the requests processed in
    the year. The denominator is table 3's total_processed (三、本年度办理结果 总计), which includes
    the requests carried over from the year before and answered this year, not requests_new
    (一、本年新收): the outcome rows count answers, and they add up to total_processed. -#}
{% macro disclosure_rate(granted, partially_granted, processed) -%}
    {{ safe_ratio('(' ~ granted ~ ') + (' ~ partially_granted ~ ')', processed) }}
{%- endmacro %}

{#- Denial rate (不予公开率): the eight 不予公开 rows over total_processed, as the disclosure rate.
    无法提供 (unable) and 不予处理 (rejected) are not denials and are not counted. -#}
{% macro denial_rate(denied, processed) -%}
    {{ safe_ratio(denied, processed) }}
{%- endmacro %}

{#- Correction rate (纠错率), all cases: cases whose result corrected the body (结果纠正) over the
    proceeding's total (总计), which counts the cases still pending at the year's end (尚未审结). A
    pending case has no result yet, so this rate is low when many cases are pending. -#}
{% macro correction_rate(corrected, total) -%}
    {{ safe_ratio(corrected, total) }}
{%- endmacro %}

{#- Correction rate of the decided cases: corrected over total - pending (the cases with a result:
    upheld + corrected + other when the table adds up). NULL when pending is unknown (a prose figure
    states no pending count) or nothing was decided. -#}
{% macro decided_correction_rate(corrected, total, pending) -%}
    {{ safe_ratio(corrected, '(' ~ total ~ ') - (' ~ pending ~ ')') }}
{%- endmacro %}

{#- A figure of mart_agency_year: the report's table when it gives it, else the number the prose
    states (int_narrative_figures); NULL when neither does. The table wins where both give it (a
    disagreement is a finding: NARRATIVE_MISMATCH, NARRATIVE_FIGURE_MISMATCH). -#}
{% macro table_else_prose(table_value, prose_value) -%}
    coalesce({{ table_value }}, {{ prose_value }})
{%- endmacro %}

{#- Where that figure came from: 'table', 'prose' or NULL (neither gives it). -#}
{% macro figure_source(table_value, prose_value='null') -%}
    case
        when {{ table_value }} is not null then 'table'
        when {{ prose_value }} is not null then 'prose'
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
