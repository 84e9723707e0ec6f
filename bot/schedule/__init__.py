"""Dates and duties: the working calendar, task periods and checklists."""
