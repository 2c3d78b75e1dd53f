"""Committee reports: the quarterly performance table, breakdowns, outcomes and value for money,
worked out from the report facts (a slim copy of the event log) as the log stood at a position."""
