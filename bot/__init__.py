"""GridSafe's core: records, schedule, chat understanding and office output.
It imports no chat framework; channels live in ``handlers/`` and call into it."""
