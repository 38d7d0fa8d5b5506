{#- Incremental facts are keyed on the report-year partition. The window is
    var('min_year')..var('max_year') (dagster passes one partition's year as both), widened by the
    model's years_after_window(): a fact whose rows of year Y are derived from year Y-1 as well
    rebuilds the year after the window too, so a run for Y-1 refreshes Y. -#}
{% macro year_window(column='report_year') -%}
    {{ column }} between {{ var('min_year') }} and {{ var('max_year') }} + {{ years_after_window() }}
{%- endmacro %}

{#- Years after the run's window a model also rebuilds: its meta `refreshes_years_after`, set in
    dbt_project.yml (fct_report_findings: 1, for the cross-year findings); 0 for the other facts.
    Dagster reads the same meta from the manifest to record those years as materialized. -#}
{% macro years_after_window() -%}
    {#- (`config.get` is dbt's; sqlfluff's stand-in `config` has none, and lints the window as 0) -#}
    {%- set meta = config.get('meta') if config.get is defined else none -%}
    {{- (meta or {}).get('refreshes_years_after', 0) | int -}}
{%- endmacro %}

{#- pre_hook of the incremental facts: remove the window's rows first, so a year whose partition
    became empty is emptied too (delete+insert alone only deletes years present in the new rows). -#}
{% macro delete_year_window() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ year_window() }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- The shared body of the four cell-based facts: the cells of one printed table in the run's year
    window, each with its report's agency, landing path and the two flags of dim_report the facts
    carry (is_primary, arithmetic_ok). A fact selects from it and adds its own keys and measure. -#}
{% macro report_cells(table_name) -%}
    select
        c.*,
        r.agency_id,
        r.path,
        r.is_primary,
        r.arithmetic_ok
    from {{ ref('stg_parsed__cells') }} as c
    left join {{ ref('dim_report') }} as r on c.report_id = r.report_id
    where
        c.table_name = '{{ table_name }}'
        and {{ year_window('c.report_year') }}
{%- endmacro %}

{#- The two report flags every cell-based fact row carries (from report_cells): sum only rows that
    are is_primary (one report per agency-year), and arithmetic_ok to leave out reports whose own
    tables do not add up. -#}
{% macro report_flags(cells='c') -%}
    cast({{ cells }}.is_primary as boolean) as is_primary,
    cast({{ cells }}.arithmetic_ok as boolean) as arithmetic_ok
{%- endmacro %}

{#- Provenance columns every cell-based fact row keeps: the report's landing path and where the
    number was read (table/row/column of the grid or line of the text), as printed. -#}
{% macro provenance_columns(cells='c') -%}
    cast({{ cells }}.path as varchar) as path,
    cast({{ cells }}.src as varchar) as src,
    cast({{ cells }}.src_table as integer) as src_table,
    cast({{ cells }}.src_row as integer) as src_row,
    cast({{ cells }}.src_col as integer) as src_col,
    cast({{ cells }}.src_line as integer) as src_line,
    cast({{ cells }}.raw_text as varchar) as raw_text,
    cast({{ cells }}.was_empty as boolean) as was_empty,
    cast({{ cells }}.parser_version as varchar) as parser_version
{%- endmacro %}
