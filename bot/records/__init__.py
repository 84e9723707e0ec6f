"""The SQLite records: store, organisation, task log, hazard ledger, evidence, prompts."""
