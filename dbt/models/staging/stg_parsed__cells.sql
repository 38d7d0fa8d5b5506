select
    cast(report_id as varchar) as report_id,
    cast(report_year as integer) as report_year,
    cast(table_name as varchar) as table_name,
    cast(row_key as varchar) as row_key,
    cast(column_key as varchar) as column_key,
    cast(value as double) as value,
    cast(raw_text as varchar) as raw_text,
    cast(was_empty as boolean) as was_empty,
    cast(src as varchar) as src,
    cast(src_table as integer) as src_table,
    cast(src_row as integer) as src_row,
    cast(src_col as integer) as src_col,
    cast(src_line as integer) as src_line,
    cast(parser_version as varchar) as parser_version
from {{ source('parsed', 'cells') }}
