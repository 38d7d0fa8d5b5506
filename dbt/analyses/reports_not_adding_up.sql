-- Which reports do not add up, and where exactly? Every arithmetic finding (the codes of macro
-- arithmetic_finding_codes, those that set dim_report.arithmetic_ok to false) with each cell it
-- names, traced to the printed cell: the landing file, the table (index among the document's
-- innermost data tables) with its row and column, or the line of the text, and the text as printed.
with findings as (
    select
        f.report_id,
        f.report_year,
        f.code,
        f.message,
        f.table_name,
        unnest(string_split(regexp_replace(f.cells, '[\[\]" ]', '', 'g'), ',')) as cell
    from {{ ref('fct_report_findings') }} as f
    where f.code in {{ arithmetic_finding_codes() }}
),

-- every printed cell of tables 3 and 4, keyed as the findings name them (row.column)
printed as (
    select
        report_id,
        'table3' as table_name,
        stage as row_key,
        applicant_type as column_key,
        requests as value,
        path,
        src,
        src_table,
        src_row,
        src_col,
        src_line,
        raw_text
    from {{ ref('fct_requests') }}
    union all
    select
        report_id,
        'table3' as table_name,
        outcome as row_key,
        applicant_type as column_key,
        requests as value,
        path,
        src,
        src_table,
        src_row,
        src_col,
        src_line,
        raw_text
    from {{ ref('fct_request_outcomes') }}
    union all
    select
        report_id,
        'table4' as table_name,
        proceeding as row_key,
        result as column_key,
        cases as value,
        path,
        src,
        src_table,
        src_row,
        src_col,
        src_line,
        raw_text
    from {{ ref('fct_litigation') }}
)

select
    r.agency_name,
    f.report_year,
    r.is_primary,
    f.code,
    f.table_name,
    split_part(f.cell, '.', 1) as row_key,
    split_part(f.cell, '.', 2) as column_key,
    p.value,
    p.path,
    p.src,
    p.src_table,
    p.src_row,
    p.src_col,
    p.src_line,
    p.raw_text,
    f.message,
    f.report_id
from findings as f
inner join {{ ref('dim_report') }} as r on f.report_id = r.report_id
left join printed as p
    on
        f.report_id = p.report_id
        and f.table_name = p.table_name
        and split_part(f.cell, '.', 1) = p.row_key
        and split_part(f.cell, '.', 2) = p.column_key
order by r.agency_name asc, f.report_year asc, f.code asc, f.cell asc
