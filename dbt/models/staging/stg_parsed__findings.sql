select
    cast(report_id as varchar) as report_id,
    cast(report_year as integer) as report_year,
    cast(finding_no as integer) as finding_no,
    cast(report_id as varchar) || '-' || cast(finding_no as varchar) as finding_id,
    cast(code as varchar) as code,
    cast(severity as varchar) as severity,
    cast(message as varchar) as message,
    cast(table_name as varchar) as table_name,
    cast(cells as varchar) as cells,
    cast(parser_version as varchar) as parser_version
from {{ source('parsed', 'findings') }}
