-- The numbers a report's prose states that mart_agency_year can use where the report's table does
-- not give them, under the name of the mart figure each one stands for. This mapping is the one
-- place a narrative key (ingest/parser/narrative.py KEYS) meets a mart column; the other keys
-- (fees, proactive items, complaints, the pre-2019 statistics table's granted / denied) have no
-- figure of the same meaning in the mart and stay in staging.
with figure_of_key as (
    select
        m.narrative_key,
        m.figure
    from (
        values
        ('requests_received', 'requests_new'),
        ('requests_answered', 'requests_total_processed'),
        ('reconsideration_total', 'reconsideration_total'),
        ('reconsideration_corrected', 'reconsideration_corrected'),
        ('litigation_total', 'litigation_total'),
        ('litigation_lost', 'litigation_corrected')
    ) as m (narrative_key, figure)
)

select
    n.report_id,
    n.report_year,
    m.figure,
    n.key as narrative_key,
    n.value
from {{ ref('stg_parsed__narrative') }} as n
inner join figure_of_key as m on n.key = m.narrative_key
