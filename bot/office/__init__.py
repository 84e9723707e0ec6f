"""Office output: progress reports, charts and the year's export."""
