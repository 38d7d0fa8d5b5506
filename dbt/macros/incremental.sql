{#- Incremental facts are keyed on the report-year partition. The window is
    var('min_year')..var('max_year') (dagster passes one partition's year as both). -#}
{% macro year_window(column='report_year') -%}
    {{ column }} between {{ var('min_year') }} and {{ var('max_year') }}
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

{#- Provenance columns every cell-based fact row keeps: the report's landing path and where the
    number was read (table/row/column of the HTML grid or line of the text), as printed. -#}
{% macro provenance_columns(cells='c', reports='r') -%}
    cast({{ reports }}.path as varchar) as path,
    cast({{ cells }}.src as varchar) as src,
    cast({{ cells }}.src_table as integer) as src_table,
    cast({{ cells }}.src_row as integer) as src_row,
    cast({{ cells }}.src_col as integer) as src_col,
    cast({{ cells }}.src_line as integer) as src_line,
    cast({{ cells }}.raw_text as varchar) as raw_text,
    cast({{ cells }}.was_empty as boolean) as was_empty,
    cast({{ cells }}.parser_version as varchar) as parser_version
{%- endmacro %}
